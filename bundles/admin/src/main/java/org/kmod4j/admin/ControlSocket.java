package org.kmod4j.admin;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.kmod4j.shell.control.CommandScript;
import org.kmod4j.shell.control.ControlProtocol;

/**
 * The control socket (by default {@code <state dir>/control.sock}): a UNIX domain socket (no TCP port) on
 * which {@code kmod4j lsmod} and friends reach the running container. Each connection carries
 * one script ({@link ControlProtocol}), run by {@link CommandScript} exactly as {@code -c} runs
 * it, in its own Gogo session; its output and exit status go back to the client.
 *
 * <p>Owner-only: the socket is bound inside a fresh directory created with mode 0700, set to
 * 0600, and only then renamed to {@code control.sock}, so at no moment can another user
 * connect; a connection whose peer (SO_PEERCRED) is another user is refused as well. The
 * container's lock on the state directory is held before this starts, so a leftover
 * {@code control.sock} there (after a kill -9) is stale and replaced.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections are served at once (more are answered
 * "too many control connections" and closed); a connection must deliver its whole request within
 * {@link #REQUEST_TIMEOUT} ms or is closed; a client that hangs up while its command runs
 * ({@code dmesg -w} and Ctrl-C) ends the command: its Gogo jobs are interrupted and its session
 * closed, so no thread of it is left behind. Output is sent as it is written, by one
 * {@link FrameSender} thread per connection (why: see there).
 */
final class ControlSocket implements AutoCloseable {
    /** Connections served at once (system property kmod4j.control.connections). */
    static final int MAX_CONNECTIONS = Integer.getInteger("kmod4j.control.connections", 16);
    /** Milliseconds a client has to send its whole request (system property kmod4j.control.timeout.ms). */
    static final long REQUEST_TIMEOUT = Long.getLong("kmod4j.control.timeout.ms", 10_000);

    private final Path socket;
    private final CommandProcessor processor;
    private final PrintStream log;
    private final AtomicInteger connections = new AtomicInteger();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "kmod4j-ctl-timeout");
        t.setDaemon(true);
        return t;
    });
    private ServerSocketChannel server;
    private Thread acceptor;
    private Thread cleanup;
    private volatile boolean closed;

    private ControlSocket(Path socket, CommandProcessor processor, PrintStream log) {
        this.socket = socket;
        this.processor = processor;
        this.log = log;
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Binds {@code socket} and starts accepting connections on a daemon thread. */
    static ControlSocket start(Path socket, CommandProcessor processor, PrintStream log) throws IOException {
        ControlSocket control = new ControlSocket(socket.toAbsolutePath(), processor, log);
        control.bind(control.socket.getParent());
        control.acceptor = new Thread(control::acceptLoop, "kmod4j-control");
        control.acceptor.setDaemon(true);
        control.acceptor.start();
        // Ctrl-C (--no-shell) ends the JVM without closing anything: remove the socket file then
        // too (the container still holds the state directory's lock at that moment)
        control.cleanup = new Thread(() -> {
            if (!control.closed) {
                control.close();
            }
        }, "kmod4j-control-cleanup");
        Runtime.getRuntime().addShutdownHook(control.cleanup);
        return control;
    }

    Path path() {
        return socket;
    }

    private void bind(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(socket);
        Path privateDir = Files.createTempDirectory(dir, ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = privateDir.resolve("s");
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(bound, socket);
            }
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(privateDir);
        }
    }

    private void acceptLoop() {
        UserPrincipal owner = null;
        try {
            owner = Files.getOwner(socket);
        } catch (IOException e) {
            // the peer check below then compares with the user running the container
        }
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.println("kmod4j: control socket: " + e.getMessage());
                }
                continue;
            }
            if (!samePeer(channel, owner)) {
                close(channel);
                continue;
            }
            if (!slots.tryAcquire()) {
                refuse(channel, "too many control connections (" + MAX_CONNECTIONS + " at once); try again");
                continue;
            }
            String name = "kmod4j-control-" + connections.incrementAndGet();
            Thread t = new Thread(() -> {
                try {
                    serve(channel, name);
                } finally {
                    slots.release();
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Answers with an error line and status 1: a new connection's send buffer takes it without blocking. */
    private static void refuse(SocketChannel channel, String why) {
        try (channel) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            byte[] line = ("kmod4j: ERROR: control socket: " + why + "\n").getBytes(StandardCharsets.UTF_8);
            new ControlProtocol.FrameOutputStream(out, ControlProtocol.STDERR).write(line, 0, line.length);
            ControlProtocol.writeExit(out, 1);
        } catch (IOException e) {
            // the client is gone already
        }
    }

    /** SO_PEERCRED where the platform has it: the peer must be the socket's owner. */
    private boolean samePeer(SocketChannel channel, UserPrincipal owner) {
        try {
            Object peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal user = ((jdk.net.UnixDomainPrincipal) peer).user();
            String expected = owner != null ? owner.getName() : System.getProperty("user.name");
            if (user.getName().equals(expected)) {
                return true;
            }
            log.println("kmod4j: control socket: refused a connection from user " + user.getName());
            return false;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return true; // the socket file's 0600 mode is the guard
        }
    }

    private void serve(SocketChannel channel, String name) {
        try (channel) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            ControlProtocol.Request request;
            ScheduledFuture<?> deadline = timer.schedule(() -> close(channel), REQUEST_TIMEOUT, TimeUnit.MILLISECONDS);
            try {
                request = ControlProtocol.readRequest(in);
            } catch (IOException e) {
                if (channel.isOpen()) {
                    PrintStream err = new PrintStream(new ControlProtocol.FrameOutputStream(out, ControlProtocol.STDERR),
                            true, StandardCharsets.UTF_8);
                    err.println("kmod4j: ERROR: control socket: " + e.getMessage());
                    ControlProtocol.writeExit(out, 1);
                }
                return;
            } finally {
                deadline.cancel(false);
            }
            if (!channel.isOpen()) {
                return; // timed out just as the request completed
            }
            FrameSender sender = FrameSender.start(channel, name + "-send");
            PrintStream sessionOut = new PrintStream(sender.stream(ControlProtocol.STDOUT), false, StandardCharsets.UTF_8);
            PrintStream sessionErr = new PrintStream(sender.stream(ControlProtocol.STDERR), false, StandardCharsets.UTF_8);
            int status = 1;
            Thread hangUp = null;
            AtomicBoolean done = new AtomicBoolean();
            try {
                try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), sessionOut,
                        sessionErr)) {
                    session.currentDir(request.cwd());
                    Thread worker = Thread.currentThread();
                    hangUp = new Thread(() -> endOnHangUp(channel, session, worker, done), name + "-hangup");
                    hangUp.setDaemon(true);
                    hangUp.start();
                    try {
                        status = CommandScript.run(session, request.script(), sessionOut, sessionErr);
                    } catch (RuntimeException e) {
                        sessionErr.println("kmod4j: ERROR: " + e);
                    }
                    done.set(true);
                    sessionOut.flush();
                    sessionErr.flush();
                }
            } finally {
                Thread.interrupted(); // a hang-up may have interrupted this thread; the exit goes out regardless
                try {
                    sender.finish(status, 5_000);
                } finally {
                    close(channel); // wakes the hang-up watcher
                    if (hangUp != null) {
                        hangUp.join(5_000);
                    }
                }
            }
        } catch (IOException e) {
            // the client went away; nothing to report to
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the connection until it ends: the client sends nothing after its request, so an
     * end of stream before the command is done means it hung up. Then the command ends as at
     * Ctrl-C: the session's jobs are interrupted and the session closed (which interrupts its
     * pipe threads), and the worker waiting for them is interrupted.
     */
    private static void endOnHangUp(SocketChannel channel, CommandSession session, Thread worker, AtomicBoolean done) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        try {
            while (channel.read(buf) >= 0) {
                buf.clear(); // bytes after the request are ignored
            }
        } catch (IOException e) {
            // closed by the worker (the command is done), or reset by the client (a hang-up)
        }
        if (done.get() || !channel.isOpen()) {
            return;
        }
        try {
            for (Job job : List.copyOf(session.jobs())) { // an interrupted job leaves the list
                job.interrupt();
            }
        } finally {
            session.close();
            worker.interrupt();
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public void close() {
        closed = true;
        removeCleanup(); // the bundle may stop long before the JVM: no hook left holding this
        timer.shutdownNow();
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // ignore
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // ignore
        }
    }

    private void removeCleanup() {
        Thread hook = cleanup;
        if (hook == null || hook == Thread.currentThread()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs (or ran) anyway
        }
    }
}
