package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.Taint;

public class LeakAndTimeoutTest extends KernelTestBase {

    @Test
    public void aClassLoaderStillReachableAfterUnloadIsReported() throws Exception {
        kernel.leakCheck(50);
        kernel.load(jars.module("leaky"), null);
        ClassLoader pinned = host.installed.values().iterator().next().loader; // as a stray static would
        kernel.unload("leaky", null);
        awaitLog("module leaky unloaded but still referenced");
        assertTrue(kernel.taints().contains(Taint.WARN));
        assertEquals(List.of("leaky"), kernel.leakDetector().leaked());
        java.lang.ref.Reference.reachabilityFence(pinned); // the stray reference lives until here
    }

    @Test
    public void aCleanUnloadIsNotReportedAndTheContainerKeepsNoReference() throws Exception {
        kernel.leakCheck(50);
        Module m = kernel.load(jars.module("clean"), null);
        WeakReference<ClassLoader> loader = new WeakReference<>(host.installed.values().iterator().next().loader);
        kernel.unload("clean", null);
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals("the Module object the caller still holds does not pin its class loader", null, loader.get());
        Thread.sleep(300);
        assertFalse(log.entries().toString().contains("still referenced"));
        assertTrue(kernel.leakDetector().leaked().isEmpty());
        assertEquals("clean", m.name());
    }

    @Test
    public void aHangingInitTimesOutWithEtimedoutAndAProperGoing() throws Exception {
        kernel.initTimeout(200);
        String before = state();
        CountDownLatch never = new CountDownLatch(1);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        kernel.notifiers().register((event, mod) -> events.add(event + " " + mod.name()), 0);
        TestModules.INIT.put("hang", ctx -> never.await());
        Path jar = jars.module("hang");
        assertTrue(expect(Errno.ETIMEDOUT, () -> kernel.load(jar, null)).getMessage().contains("init did not finish in 200 ms"));
        assertEquals(List.of("COMING hang", "GOING hang"), events);
        assertFalse(kernel.find("hang").isPresent());
        assertTrue(host.installedNames().isEmpty());
        assertTrue(log.entries().toString().contains("is abandoned"));
        // taint W for the abandoned thread is the only difference from before
        assertEquals(before.replace("taints=[]", "taints=[WARN]"), state());
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log.entries().toString().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(log.entries().toString(), log.entries().toString().contains(text));
    }
}
