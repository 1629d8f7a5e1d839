package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEvent.Type;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;

/** The typed, numbered event log: what a load, an unload and a failure publish; replay and push. */
public class KernelEventsTest extends KernelTestBase {

    @Test
    public void loadAndUnloadPublishTypedNumberedEvents() throws Exception {
        TestModules.EXIT.put("a", ctx -> Thread.sleep(5));
        kernel.load(jars.module("a"), null);
        kernel.unload("a", null);

        List<ModuleEvent> events = kernel.events(0);
        assertEquals(List.of(Type.LOAD, Type.GRACE_PERIOD_START, Type.GRACE_PERIOD_END, Type.UNLOAD), types(events));
        for (int i = 0; i < events.size(); i++) {
            assertEquals("numbered from 0, one by one", i, events.get(i).sequence());
            assertEquals("a", events.get(i).module().orElseThrow());
        }
        ModuleEvent unload = events.get(3);
        assertTrue("exit timed: " + unload.exit(), unload.exit().toMillis() >= 5);
        assertTrue("the unload contains its grace period and exit",
                unload.duration().compareTo(unload.gracePeriod().plus(unload.exit())) >= 0);
        assertTrue(events.get(0).duration().toNanos() > 0);
        assertEquals("grace-period events are debug: dmesg leaves them out",
                List.of("a: loaded", "a: unloaded"), texts(kernel.dmesg()));
    }

    @Test
    public void initFailureVetoAndTaintAreTyped() throws Exception {
        TestModules.INIT.put("bad", ctx -> {
            throw new ModuleException(Errno.ENODEV, "no device");
        });
        expect(Errno.ENODEV, () -> load("bad"));
        kernel.notifiers().register((state, module) -> {
            if (state == ModuleState.COMING && module.name().equals("vetoed")) {
                throw new ModuleException(Errno.EPERM, "not here");
            }
        }, 0);
        expect(Errno.EPERM, () -> load("vetoed"));
        kernel.load(jars.module("held"), null).tryGet();
        kernel.unload("held", UnloadOptions.defaults().withForce(true));

        ModuleEvent failure = only(Type.INIT_FAILURE);
        assertEquals(Errno.ENODEV, failure.errno().orElseThrow());
        assertEquals("bad", failure.module().orElseThrow());
        ModuleEvent veto = only(Type.NOTIFIER_VETO);
        assertEquals(Errno.EPERM, veto.errno().orElseThrow());
        assertEquals("vetoed", veto.module().orElseThrow());
        assertTrue(kernel.events(0).stream().anyMatch(e -> e.type() == Type.TAINT && e.taint().orElseThrow() == Taint.FORCED_RMMOD));
    }

    @Test(timeout = 20_000)
    public void aLateReaderReplaysFromASequenceNumberThenGetsNewEventsPushed() throws Exception {
        log.info("one");
        log.info("two");
        log.info("three");
        BlockingQueue<ModuleEvent> got = new LinkedBlockingQueue<>();
        try (AutoCloseable follow = kernel.follow(1, got::add)) {
            assertEquals("two", next(got).text());
            assertEquals("three", next(got).text());
            log.info("four");
            ModuleEvent four = next(got);
            assertEquals("four", four.text());
            assertEquals(3, four.sequence());
            kernel.clearDmesg();
            log.info("five");
            assertEquals("numbering goes on across dmesg -c", 4, next(got).sequence());
        }
        assertEquals("after -c only what came after it is held", List.of(4L),
                kernel.events(0).stream().map(ModuleEvent::sequence).toList());
    }

    @Test(timeout = 20_000)
    public void followFromNowSkipsTheBacklogAndAThrowingListenerIsReportedOnce() throws Exception {
        log.info("old");
        BlockingQueue<ModuleEvent> got = new LinkedBlockingQueue<>();
        try (AutoCloseable follow = kernel.follow(Long.MAX_VALUE, got::add);
                AutoCloseable bad = kernel.follow(Long.MAX_VALUE, e -> {
                    throw new IllegalStateException("listener bug");
                })) {
            log.info("new");
            assertEquals("new", next(got).text());
            ModuleEvent report = next(got);
            assertTrue(report.text(), report.text().contains("listener bug"));
            log.info("newer");
            assertEquals("the throwing listener is not reported again", "newer", next(got).text());
        }
    }

    @Test(timeout = 20_000)
    public void aReaderBehindTheRingGoesOnFromTheOldestHeld() throws Exception {
        KernelLog small = new KernelLog(4);
        for (int i = 0; i < 10; i++) {
            small.info("line " + i);
        }
        BlockingQueue<ModuleEvent> got = new LinkedBlockingQueue<>();
        try (AutoCloseable follow = small.follow(0, got::add)) {
            assertEquals(6, next(got).sequence());
        }
    }

    private void load(String name) {
        try {
            kernel.load(jars.module(name), null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ModuleEvent only(Type type) {
        List<ModuleEvent> of = new ArrayList<>();
        for (ModuleEvent e : kernel.events(0)) {
            if (e.type() == type) {
                of.add(e);
            }
        }
        assertEquals(type + " events: " + of, 1, of.size());
        return of.get(0);
    }

    private static ModuleEvent next(BlockingQueue<ModuleEvent> q) throws InterruptedException {
        ModuleEvent e = q.poll(10, TimeUnit.SECONDS);
        assertFalse("no event within 10 s", e == null);
        return e;
    }

    private static List<Type> types(List<ModuleEvent> events) {
        List<Type> out = new ArrayList<>();
        for (ModuleEvent e : events) {
            out.add(e.type());
        }
        return out;
    }

    private static List<String> texts(List<String> dmesg) {
        List<String> out = new ArrayList<>();
        for (String line : dmesg) {
            out.add(line.substring(line.indexOf("] ") + 2));
        }
        return out;
    }
}
