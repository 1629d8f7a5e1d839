package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.Test;
import org.kmod4j.api.ModuleEvent;

public class DmesgTest {

    private static final Pattern STAMP = Pattern.compile("(?m)^\\[ *\\d+\\.\\d{6}\\] ");

    private final Fakes.FakeContainer container = new Fakes.FakeContainer();
    private final Dmesg dmesg = new Dmesg(new ContainerAccess(() -> container));

    @Test
    public void printsTheLogAndClearsItWithC() {
        assertNull("empty log prints nothing", dmesg.dmesg(Fakes.session(Map.of())));
        container.log.info("hello: loaded");
        container.log.log(ModuleEvent.Level.DEBUG, "hello: grace period started");
        container.log.info("hello: unloaded");
        assertEquals("debug events are not printed", "hello: loaded\nhello: unloaded",
                unstamped(dmesg.dmesg(Fakes.session(Map.of()))));
        assertEquals(2, container.dmesg().size());
        assertEquals("hello: loaded\nhello: unloaded", unstamped(dmesg.dmesg(Fakes.session(Map.of()), "-c")));
        assertTrue("-c cleared the log", container.dmesg().isEmpty());
    }

    @Test(timeout = 20_000)
    public void followPrintsNewLinesAsTheyArePushedUntilInterrupted() throws Exception {
        container.log.info("old");
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<Object> results = new CopyOnWriteArrayList<>();
        System.setOut(out);
        Thread follower;
        try {
            follower = new Thread(() -> results.add(String.valueOf(dmesg.dmesg(Fakes.session(Map.of()), "-w"))));
            follower.start();
            awaitOutput(bytes, "old");
            container.log.info("new one");
            awaitOutput(bytes, "new one");
            container.clearDmesg();
            container.log.info("after clear");
            awaitOutput(bytes, "after clear");
            follower.interrupt();
            follower.join(5_000);
        } finally {
            System.setOut(saved);
        }
        assertFalse("dmesg -w ends when interrupted", follower.isAlive());
        assertEquals("ends normally (no exception), returning nothing", List.of("null"), results);
        assertEquals("old\nnew one\nafter clear\n", unstamped(bytes.toString(StandardCharsets.UTF_8)));
    }

    @Test(timeout = 20_000)
    public void followWithClearPrintsWhatItClearedThenOnlyNewLines() throws Exception {
        container.log.info("old");
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Thread follower = new Thread(() -> dmesg.dmesg(Fakes.session(Map.of()), "-c", "-w"));
        try {
            follower.start();
            awaitOutput(bytes, "old");
            assertTrue("cleared before 'old' was printed", container.dmesg().isEmpty());
            container.log.info("new");
            awaitOutput(bytes, "new");
        } finally {
            follower.interrupt();
            follower.join(5_000);
            System.setOut(saved);
        }
        assertEquals("old\nnew\n", unstamped(bytes.toString(StandardCharsets.UTF_8)));
    }

    private static String unstamped(String printed) {
        return STAMP.matcher(printed.replace(System.lineSeparator(), "\n")).replaceAll("");
    }

    /** Waits for the command's output (what the user sees), bounded. */
    private static void awaitOutput(ByteArrayOutputStream bytes, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!bytes.toString(StandardCharsets.UTF_8).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in " + bytes.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(5);
        }
    }
}
