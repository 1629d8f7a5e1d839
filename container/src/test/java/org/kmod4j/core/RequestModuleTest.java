package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;

/** request_module: concurrent requests for one name merge into one request (kmod.sh 0008's burst). */
public class RequestModuleTest extends KernelTestBase {
    private static final int THREADS = 64;

    @Test
    public void withoutModprobeOnlyALoadedModuleIsFound() throws Exception {
        Module a = kernel.load(jars.module("a"), null);
        assertEquals(List.of(a), kernel.requestModule("a"));
        assertTrue(expect(Errno.ENOENT, () -> kernel.requestModule("nope")).getMessage().contains("not found"));
    }

    @Test
    public void aBurstOfRequestsForOneAliasRunsOneLoad() throws Exception {
        Path jar = jars.module("snd");
        AtomicInteger requests = new AtomicInteger();
        TestModules.INIT.put("snd", ctx -> Thread.sleep(100));
        kernel.requester(alias -> {
            requests.incrementAndGet();
            return List.of(kernel.load(jar, null));
        });
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Module[] seen = new Module[THREADS];
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(THREADS);
        for (int i = 0; i < THREADS; i++) {
            int n = i;
            new Thread(() -> {
                try {
                    go.await();
                    seen[n] = kernel.requestModule("sound-card-*").get(0);
                    outcomes.merge("ok", 1, Integer::sum);
                } catch (ModuleException e) {
                    outcomes.merge(e.errno().name(), 1, Integer::sum);
                } catch (InterruptedException e) {
                    outcomes.merge("interrupted", 1, Integer::sum);
                } finally {
                    done.countDown();
                }
            }).start();
        }
        go.countDown();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        // callers that overlapped share the one request; a straggler that came after it finished
        // makes a second request, which finds the module loaded (EEXIST from load): count those
        assertEquals(1, kernel.modules().size());
        int ok = outcomes.getOrDefault("ok", 0);
        assertEquals("every caller succeeds or meets the loaded module: " + outcomes,
                THREADS, ok + outcomes.getOrDefault("EEXIST", 0));
        assertTrue("requests were merged: " + requests.get() + " for " + THREADS, requests.get() < ok);
        for (Module m : seen) {
            if (m != null) {
                assertSame(kernel.find("snd").orElseThrow(), m);
            }
        }
    }

    @Test
    public void aFailedRequestIsSharedByItsWaiters() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        kernel.requester(alias -> {
            requests.incrementAndGet();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ModuleException(Errno.ENOENT, "no module provides " + alias);
        });
        Errno[] got = new Errno[2];
        Thread first = new Thread(() -> got[0] = errnoOf(() -> kernel.requestModule("x")));
        first.start();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        Thread second = new Thread(() -> got[1] = errnoOf(() -> kernel.requestModule("x")));
        second.start();
        Thread.sleep(100);
        release.countDown();
        first.join(5_000);
        second.join(5_000);
        assertEquals(Errno.ENOENT, got[0]);
        assertEquals("the waiter shares the failure", Errno.ENOENT, got[1]);
        assertEquals(1, requests.get());
    }

    private static Errno errnoOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (ModuleException e) {
            return e.errno();
        }
    }
}
