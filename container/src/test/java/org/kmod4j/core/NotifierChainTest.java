package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;

public class NotifierChainTest extends KernelTestBase {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private ModuleNotifier recorder(String id) {
        return new ModuleNotifier() {
            @Override
            public void moduleEvent(ModuleState event, Module module) {
                calls.add(id + ":" + event);
            }

            @Override
            public String toString() {
                return id;
            }
        };
    }

    @Test
    public void higherPriorityFirstThenRegistrationOrder() throws Exception {
        kernel.notifiers().register(recorder("low"), -5);
        kernel.notifiers().register(recorder("first0"), 0);
        kernel.notifiers().register(recorder("high"), 10);
        kernel.notifiers().register(recorder("second0"), 0);
        kernel.load(jars.module("a"), null);
        assertEquals(List.of("high:COMING", "first0:COMING", "second0:COMING", "low:COMING",
                "high:LIVE", "first0:LIVE", "second0:LIVE", "low:LIVE"), calls);
    }

    @Test
    public void aComingVetoRollsBackToTheNotifiersAlreadyCalled() throws Exception {
        String before = state();
        kernel.notifiers().register(recorder("n1"), 3);
        kernel.notifiers().register(recorder("n2"), 2);
        kernel.notifiers().register((event, m) -> {
            calls.add("veto:" + event);
            if (event == ModuleState.COMING) {
                throw new ModuleException(Errno.EPERM, "policy says no");
            }
        }, 1);
        kernel.notifiers().register(recorder("n4"), 0);
        Path jar = jars.module("a");

        ModuleException e = expect(Errno.EPERM, () -> kernel.load(jar, null));

        assertTrue(e.getMessage(), e.getMessage().contains("could not insert module " + jar + ": Operation not permitted"));
        assertTrue(e.getMessage(), e.getMessage().contains("policy says no"));
        assertEquals(List.of("n1:COMING", "n2:COMING", "veto:COMING", "n1:GOING", "n2:GOING"), calls);
        assertTrue("init never ran", TestModules.CALLS.isEmpty());
        assertEquals(before, state());
    }

    @Test
    public void aThrowingNotifierIsReportedAndChangesNothing() throws Exception {
        kernel.notifiers().register((event, m) -> {
            throw new IllegalStateException("notifier bug on " + event);
        }, 5);
        kernel.notifiers().register(recorder("after"), 0);
        Module a = kernel.load(jars.module("a"), null);
        assertEquals(ModuleState.LIVE, a.state());
        kernel.unload("a", null);
        assertTrue(kernel.modules().isEmpty());
        assertEquals(List.of("after:COMING", "after:LIVE", "after:GOING"), calls);
        String dmesg = log.entries().toString();
        assertTrue(dmesg, dmesg.contains("notifier bug on COMING") && dmesg.contains("notifier bug on GOING"));
    }

    @Test
    public void goingIsDeliveredOnInitFailureBeforeTheBundleIsFreed() throws Exception {
        kernel.notifiers().register((event, m) -> calls.add(event + ":installed=" + host.installedNames()), 0);
        TestModules.INIT.put("a", ctx -> {
            throw new ModuleException(Errno.ENODEV, "absent");
        });
        Path jar = jars.module("a");
        expect(Errno.ENODEV, () -> kernel.load(jar, null));
        assertEquals(List.of("COMING:installed=[a]", "GOING:installed=[a]"), calls);
    }

    @Test
    public void unregisteredNotifiersAreNotCalled() throws Exception {
        ModuleNotifier n = recorder("n");
        kernel.notifiers().register(n, 0);
        kernel.notifiers().register(n, 0);
        kernel.notifiers().unregister(n);
        kernel.load(jars.module("a"), null);
        assertTrue(calls.isEmpty());
    }

    @Test
    public void aHangingComingNotifierTimesOutAsAVetoAndAHangingGoingOneIsSkipped() throws Exception {
        kernel.notifiers().timeout(200);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        kernel.notifiers().register(recorder("first"), 10);
        kernel.notifiers().register((event, m) -> {
            if (m.name().equals("a") && event == ModuleState.COMING || m.name().equals("b") && event == ModuleState.GOING) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, 0);
        String before = state();
        Path a = jars.module("a");
        assertTrue(expect(Errno.ETIMEDOUT, () -> kernel.load(a, null)).getMessage().contains("timed out on COMING"));
        assertEquals(before, state());
        assertEquals(List.of("first:COMING", "first:GOING"), calls);

        kernel.load(jars.module("b"), null);
        kernel.unload("b", null);
        assertTrue(kernel.modules().isEmpty());
        assertTrue(log.entries().toString().contains("did not return from GOING of b"));
    }
}
