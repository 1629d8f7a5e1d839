package org.kmod4j.admin;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.kmod4j.shell.control.ControlProtocol;

/**
 * The one thread that writes a control connection's frames ({@link ControlProtocol}) to its
 * socket; the command threads only queue them.
 *
 * <p>Why a thread of its own: Gogo wraps a session's output streams in interruptible channels
 * ({@code Channels.newChannel}), and interrupting a command thread (the client hung up) closes
 * those channels from the interrupting thread while it holds the command thread's blocker lock,
 * so the close waits for the session stream's lock. A command thread writing straight to the
 * socket holds that stream lock while it enters a blocking {@code SocketChannel} write, which
 * takes its own blocker lock: each thread then waits for the other forever (seen: one
 * {@code dmesg -w} hang-up in a few hundred kept its worker, job controller and pipe thread).
 * Queueing takes no blocker lock, and an interrupted {@code put} returns at once, so the
 * interrupt and the close go through.
 *
 * <p>Implementation notes. Frames are immutable byte arrays handed over through an
 * {@link ArrayBlockingQueue}, whose put/take give the happens-before edge from the command
 * thread's bytes to this thread's write. Order is the queue's FIFO, so stdout, stderr and the
 * exit status reach the client in the order written. Once a write fails (the client is gone)
 * {@code broken} is set and every later frame is dropped, as output to a closed terminal is: the
 * producers stop queueing, and whatever is queued is taken and dropped, so a producer blocked on
 * a full queue gets room. The queue is never cleared, because that could drop the end marker
 * {@link #finish} already queued, and this thread runs until it takes that marker. The queue is bounded, so a client that stops
 * reading holds back its own command, never the container's memory.
 */
final class FrameSender implements Runnable {
    private static final int CAPACITY = 64;
    /** Marks the end of the connection's frames; compared by identity. */
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(CAPACITY);
    private final DataOutputStream out;
    private final Thread thread;
    private volatile boolean broken;

    private FrameSender(SocketChannel channel, String name) {
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    static FrameSender start(SocketChannel channel, String name) {
        FrameSender sender = new FrameSender(channel, name);
        sender.thread.start();
        return sender;
    }

    /** A stream whose writes become frames of {@code type} (STDOUT or STDERR), each sent as written. */
    OutputStream stream(byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    queue(ControlProtocol.frame(type, b, off, len));
                }
            }
        };
    }

    /**
     * Queues the exit status and the end, then waits up to {@code millis} for them to be sent. A
     * client that stopped reading is not waited for longer: the caller closes the connection,
     * which ends this thread's write. Not interruptible: a hang-up may interrupt the caller at any
     * moment, even here, and the end must still be queued or this thread would wait for it
     * forever; the caller's interrupt status is kept.
     */
    void finish(int status, long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        byte[][] last = broken ? new byte[][] {END}
                : new byte[][] {ControlProtocol.exitFrame(status), END};
        for (int i = 0; i < last.length; ) {
            try {
                if (frames.offer(last[i], Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    i++;
                } else {
                    thread.interrupt(); // stuck in a write to a client that does not read: end it
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        while (thread.isAlive() && System.nanoTime() < deadline) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void queue(byte[] frame) throws InterruptedIOException {
        if (broken) {
            return; // the client is gone
        }
        try {
            frames.put(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("command interrupted");
        }
    }

    @Override
    public void run() {
        try {
            for (byte[] frame = frames.take(); frame != END; frame = frames.take()) {
                if (broken) {
                    continue;
                }
                try {
                    out.write(frame);
                    if (frames.isEmpty()) {
                        out.flush();
                    }
                } catch (IOException e) {
                    broken = true; // what is queued is dropped below as it is taken, up to the end
                }
            }
            if (!broken) {
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the connection is being closed
        }
    }
}
