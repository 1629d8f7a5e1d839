package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.shell.control.ControlProtocol;

/**
 * The control socket does not leak server-side work: a client that hangs up ends its command
 * ({@code dmesg -w}, which streams), a connection that sends nothing is closed after the request
 * timeout, connections beyond the limit are refused, and after 200 connect/disconnect cycles the
 * container's threads and open file descriptors ({@code /proc/PID/task}, {@code /proc/PID/fd})
 * are back to where they were. Talks the wire protocol directly, as a client that misbehaves.
 */
public class ControlSocketLimitsIT {
    private static final int CONNECTIONS = 4;

    @ClassRule
    public static TemporaryFolder tmp = new TemporaryFolder();
    private static Container container;
    private static Path state;

    @BeforeClass
    public static void startContainer() throws Exception {
        state = tmp.getRoot().toPath().resolve("state");
        container = Kmod4jProcesses.start(List.of("-Dkmod4j.control.timeout.ms=3000",
                "-Dkmod4j.control.connections=" + CONNECTIONS), state, tmp.getRoot().toPath(), "--no-deploy").awaitReady();
    }

    @AfterClass
    public static void stopContainer() throws InterruptedException {
        if (container != null) {
            container.close();
        }
    }

    /** Each test starts and ends with no connection being served (none of another test's holds a slot). */
    @Before
    @After
    public void noConnectionServed() throws Exception {
        awaitNoThread("kmod4j-control-"); // serve and hang-up threads: kmod4j-control-N, kmod4j-control-N-hangup
        awaitNoThread("pipe-");
    }

    @Test
    public void dmesgFollowStreamsUntilTheClientHangsUp() throws Exception {
        try (SocketChannel channel = request("dmesg -w")) {
            DataInputStream in = input(channel);
            assertContains(within(10, () -> frame(in)), "kmod4j: container started");
            assertEquals(0, client(tmp.getRoot().toPath(), state, "insmod", HELLO).status());
            String streamed = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!streamed.contains("hello") && System.nanoTime() < deadline) {
                streamed += within(10, () -> frame(in));
            }
            assertContains(streamed, "hello");
        }
        assertEquals(0, client(tmp.getRoot().toPath(), state, "rmmod", "hello").status());
    }

    @Test
    public void aConnectionThatSendsNothingIsClosedAfterTheTimeout() throws Exception {
        try (SocketChannel idle = connect(); SocketChannel half = connect()) {
            DataOutputStream out = output(half);
            out.writeInt(ControlProtocol.MAGIC);
            out.flush(); // half a request, then nothing
            long t0 = System.nanoTime();
            String idleAnswer = within(15, () -> readToEnd(idle));
            String halfAnswer = within(15, () -> readToEnd(half));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue("closed after the 3000 ms timeout, not much later: " + millis + " ms", millis < 10_000);
            assertEquals("no answer to a client that said nothing", "", idleAnswer);
            assertEquals("", halfAnswer);
        }
    }

    @Test
    public void connectionsBeyondTheLimitAreRefusedAndTheSlotsComeBack() throws Exception {
        List<SocketChannel> busy = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel c = request("dmesg -w");
                DataInputStream in = input(c);
                within(10, () -> frame(in)); // served: it holds a slot
                busy.add(c);
            }
            try (SocketChannel extra = connect()) {
                try {
                    ControlProtocol.writeRequest(output(extra), tmp.getRoot().toPath(), "lsmod");
                } catch (IOException e) {
                    // refused and closed before the request was written (EPIPE): the answer is still there to read,
                    // as the shipped client reads it
                }
                assertContains(within(10, () -> readToEnd(extra)),
                        "kmod4j: ERROR: control socket: too many control connections (" + CONNECTIONS + " at once)");
            }
            Kmod4jProcesses.Run refused = client(tmp.getRoot().toPath(), state, "lsmod"); // the shipped client
            assertEquals(refused.toString(), 1, refused.status());
            assertEquals("kmod4j: ERROR: control socket: too many control connections (" + CONNECTIONS + " at once); try again\n",
                    refused.err());
        } finally {
            for (SocketChannel c : busy) {
                c.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Kmod4jProcesses.Run lsmod;
        do {
            lsmod = client(tmp.getRoot().toPath(), state, "lsmod");
        } while (lsmod.status() != 0 && System.nanoTime() < deadline);
        assertEquals("the slots are free again once the clients hung up: " + lsmod, 0, lsmod.status());
    }

    @Test
    public void twoHundredCyclesLeaveNoThreadOrDescriptorBehind() throws Exception {
        for (int i = 0; i < 8; i++) {
            cycle(i); // warm up: classes loaded, pools at their resting size
        }
        int[] baseline = settled(0, 0);
        for (int i = 0; i < 200; i++) {
            cycle(i);
        }
        int[] after = settled(baseline[0], baseline[1]);
        System.out.println("ControlSocketLimitsIT: after 200 cycles threads " + baseline[0] + " -> " + after[0]
                + ", open fds " + baseline[1] + " -> " + after[1]);
        assertTrue("threads " + baseline[0] + " -> " + after[0] + ", fds " + baseline[1] + " -> " + after[1]
                + "; threads now: " + threadNames() + "\n" + threadDump(),
                after[0] <= baseline[0] + 2 && after[1] <= baseline[1] + 2);
    }

    /** One connect/disconnect: dmesg -w hung up, half a request hung up, nothing sent, a whole lsmod. */
    private void cycle(int i) throws Exception {
        switch (i % 4) {
            case 0 -> {
                try (SocketChannel c = request("dmesg -w")) {
                    DataInputStream in = input(c);
                    within(10, () -> frame(in));
                }
            }
            case 1 -> {
                try (SocketChannel c = connect()) {
                    DataOutputStream out = output(c);
                    out.writeInt(ControlProtocol.MAGIC);
                    out.writeInt(ControlProtocol.VERSION);
                    out.flush();
                }
            }
            case 2 -> connect().close();
            default -> {
                // the hung-up connections before may still hold their slots for a moment: retry as a client would
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                String answer;
                do {
                    try (SocketChannel c = request("lsmod")) {
                        answer = within(10, () -> readToEnd(c));
                    } catch (IOException refused) {
                        answer = refused.toString();
                    }
                } while (!answer.contains("Module ") && System.nanoTime() < deadline);
                assertContains(answer, "Module ");
            }
        }
    }

    /**
     * The container's thread and descriptor counts once they stop falling (at most 20 s): at or
     * under the given bounds plus slack, or after 20 s whatever they are.
     */
    private int[] settled(int threads, int fds) throws Exception {
        long pid = container.process.pid();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int[] now;
        do {
            Thread.sleep(200);
            now = new int[] {(int) threadNames().stream().filter(n -> !jvmInternal(n)).count(),
                    count(Path.of("/proc", Long.toString(pid), "fd"))};
        } while (threads > 0 && (now[0] > threads + 2 || now[1] > fds + 2) && System.nanoTime() < deadline);
        return now;
    }

    /**
     * The JVM adds and retires JIT compiler threads on its own (UseDynamicNumberOfCompilerThreads),
     * more of them on a loaded machine: they are not the container's, so they are not counted.
     */
    private static boolean jvmInternal(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** The container's stacks ({@code jcmd PID Thread.print}), for a failure message. */
    private static String threadDump() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(container.process.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** The container's thread names (the first 15 characters, as /proc keeps them). */
    private static List<String> threadNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of("/proc", Long.toString(container.process.pid()), "task"))) {
            for (Path t : (Iterable<Path>) all::iterator) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    private static int count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return (int) entries.count();
        }
    }

    /** Waits (at most 20 s) until no thread of the container has a name (its first 15 characters) starting so. */
    private static void awaitNoThread(String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Path tasks = Path.of("/proc", Long.toString(container.process.pid()), "task");
        List<String> names;
        do {
            names = new ArrayList<>();
            try (Stream<Path> all = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) all::iterator) {
                    try {
                        names.add(Files.readString(t.resolve("comm")).strip());
                    } catch (IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
            if (names.stream().noneMatch(n -> n.startsWith(prefix))) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads " + prefix + "* still running 20 s after the client hung up: " + names + "\n"
                + threadDump());
    }

    private static SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(state.resolve(ControlProtocol.SOCKET)));
        return c;
    }

    private static SocketChannel request(String script) throws IOException {
        SocketChannel c = connect();
        ControlProtocol.writeRequest(output(c), tmp.getRoot().toPath(), script);
        return c;
    }

    private static DataOutputStream output(SocketChannel c) {
        return new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(c)));
    }

    private static DataInputStream input(SocketChannel c) {
        return new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
    }

    /** The text of the next output frame. */
    private static String frame(DataInputStream in) throws IOException {
        byte type = in.readByte();
        if (type == ControlProtocol.EXIT) {
            throw new AssertionError("the command ended with status " + in.readInt());
        }
        return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
    }

    /** Every output frame's text until the exit frame or the end of the connection. */
    private static String readToEnd(SocketChannel c) throws IOException {
        DataInputStream in = input(c);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            for (byte type; (type = in.readByte()) != ControlProtocol.EXIT;) {
                text.write(in.readNBytes(in.readInt()));
                assertTrue(type == ControlProtocol.STDOUT || type == ControlProtocol.STDERR);
            }
        } catch (EOFException e) {
            // closed by the container
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    interface Io<T> {
        T call() throws Exception;
    }

    /** Runs a blocking read on another thread, failing after {@code seconds} instead of hanging the suite. */
    private static <T> T within(int seconds, Io<T> io) throws Exception {
        FutureTask<T> task = new FutureTask<>(io::call);
        Thread t = new Thread(task, "control-test-read");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer in " + seconds + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw new AssertionError(e.getCause());
        }
    }
}
