package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

public class DmesgTest {

    private final Fakes.FakeContainer container = new Fakes.FakeContainer();
    private final Dmesg dmesg = new Dmesg(new ContainerAccess(() -> container));

    @Test
    public void printsTheLogAndClearsItWithC() {
        assertNull("empty log prints nothing", dmesg.dmesg(Fakes.session(Map.of())));
        container.dmesg.add("[    1.000000] hello: loaded");
        container.dmesg.add("[    2.000000] hello: unloaded");
        assertEquals("[    1.000000] hello: loaded\n[    2.000000] hello: unloaded",
                dmesg.dmesg(Fakes.session(Map.of())));
        assertEquals(2, container.dmesg().size());
        assertEquals("[    1.000000] hello: loaded\n[    2.000000] hello: unloaded",
                dmesg.dmesg(Fakes.session(Map.of()), "-c"));
        assertTrue("-c cleared the log", container.dmesg().isEmpty());
    }

    @Test
    public void tailReturnsOnlyNewLinesAcrossRingOverflowAndClear() {
        DmesgTail tail = new DmesgTail();
        assertEquals(List.of("a", "b"), tail.next(List.of("a", "b")));
        assertEquals(List.of(), tail.next(List.of("a", "b")));
        assertEquals(List.of("c"), tail.next(List.of("a", "b", "c")));
        // ring of 3: a dropped, d and e new
        assertEquals(List.of("d"), tail.next(List.of("b", "c", "d")));
        assertEquals(List.of("e"), tail.next(List.of("c", "d", "e")));
        // cleared, then one new line
        assertEquals(List.of(), tail.next(List.of()));
        assertEquals(List.of("f"), tail.next(List.of("f")));
        // cleared and refilled between two reads: nothing in common, all new
        assertEquals(List.of("g", "h"), tail.next(List.of("g", "h")));
        // more new lines than the ring holds: all of the snapshot is new
        assertEquals(List.of("i", "j"), tail.next(List.of("i", "j")));
    }

    @Test
    public void tailDoesNotConfuseRepeatedLines() {
        DmesgTail tail = new DmesgTail();
        assertEquals(List.of("x", "y", "x"), tail.next(List.of("x", "y", "x")));
        assertEquals(List.of("y"), tail.next(List.of("x", "y", "x", "y")));
        assertEquals(List.of("x"), tail.next(List.of("y", "x", "y", "x")));
    }

    @Test(timeout = 20_000)
    public void followPrintsNewLinesUntilInterrupted() throws Exception {
        container.dmesg.add("[    1.000000] old");
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
            container.dmesg.add("[    2.000000] new one");
            awaitOutput(bytes, "new one");
            container.clearDmesg();
            Thread.sleep(3 * Dmesg.POLL_MILLIS);
            container.dmesg.add("[    3.000000] after clear");
            awaitOutput(bytes, "after clear");
            follower.interrupt();
            follower.join(5_000);
        } finally {
            System.setOut(saved);
        }
        assertFalse("dmesg -w ends when interrupted", follower.isAlive());
        assertEquals("ends normally (no exception), returning nothing", List.of("null"), results);
        assertEquals("[    1.000000] old\n[    2.000000] new one\n[    3.000000] after clear\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test(timeout = 20_000)
    public void followWithClearStartsFromAnEmptyLog() throws Exception {
        container.dmesg.add("[    1.000000] old");
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Thread follower = new Thread(() -> dmesg.dmesg(Fakes.session(Map.of()), "-c", "-w"));
        try {
            follower.start();
            awaitOutput(bytes, "old");
            Thread.sleep(3 * Dmesg.POLL_MILLIS);
            assertTrue(container.dmesg().isEmpty());
            container.dmesg.add("[    2.000000] new");
            awaitOutput(bytes, "new");
            Thread.sleep(3 * Dmesg.POLL_MILLIS);
        } finally {
            follower.interrupt();
            follower.join(5_000);
            System.setOut(saved);
        }
        assertEquals("[    1.000000] old\n[    2.000000] new\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    private static void awaitOutput(ByteArrayOutputStream bytes, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!bytes.toString(StandardCharsets.UTF_8).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in " + bytes.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }
}
