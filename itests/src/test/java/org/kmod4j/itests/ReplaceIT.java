package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Zero-downtime replace on real Felix: callers through ModuleContext-style following proxies
 * (ModuleContainer.service) are never refused while the provider is replaced, a failed replace
 * leaves the old instance serving, and wiring holders refuse it as they refuse rmmod.
 */
public class ReplaceIT extends KmodTestSupport {
    private static final String GREETER = "(objectClass=org.kmod4j.examples.hello.Greeter)";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor processor;

    /** Callers in the background; counts answers, refusals (ModuleException) and failures. */
    private static final class Callers implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        Callers(int n, Runnable call) {
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            call.run();
                            calls.incrementAndGet();
                        } catch (ModuleException e) {
                            refused.incrementAndGet();
                        } catch (RuntimeException | Error e) {
                            failed.incrementAndGet();
                        }
                    }
                }, "replace-it caller " + i);
                t.start();
                threads.add(t);
            }
        }

        /** Waits until {@code more} further calls completed (10 s at most). */
        void await(long more) throws InterruptedException {
            long target = calls.get() + more;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (calls.get() < target && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        @Override
        public String toString() {
            return "calls=" + calls + " refused=" + refused + " failed=" + failed;
        }
    }

    @Test
    public void fourCallersSeeNoRefusalAcross100Replaces() throws Exception {
        Examples.load(container, "hello", "greeting", "v0");
        @SuppressWarnings("unchecked")
        Function<String, String> greeter = container.service(context, Function.class, GREETER, null);
        List<WeakReference<ClassLoader>> oldLoaders = new ArrayList<>();
        Callers callers = new Callers(4, () -> {
            String g = greeter.apply("x");
            if (!g.startsWith("v") || !g.endsWith(", x")) {
                throw new IllegalStateException("wrong answer " + g);
            }
        });
        try (callers) {
            callers.await(100);
            for (int i = 1; i <= 100; i++) {
                Module old = container.find("hello").get();
                oldLoaders.add(new WeakReference<>(old.bundle().adapt(BundleWiring.class).getClassLoader()));
                Module mod = container.replace(Examples.jar("hello"), LoadOptions.of(Map.of("greeting", "v" + i)));
                assertSame(mod, container.find("hello").get());
                assertEquals(ModuleState.GOING, old.state());
                assertEquals(Bundle.UNINSTALLED, old.bundle().getState());
                callers.await(10);
            }
        }
        System.out.println("ReplaceIT 100 replaces: " + callers);
        assertEquals(callers.toString(), 0, callers.refused.get());
        assertEquals(callers.toString(), 0, callers.failed.get());
        assertTrue(callers.toString(), callers.calls.get() >= 1000);
        assertEquals("v100, x", greeter.apply("x"));
        assertEquals(List.of("hello"), Kmod.names(container));
        long helloBundles = List.of(context.getBundles()).stream()
                .filter(b -> "org.kmod4j.example.hello".equals(b.getSymbolicName())).count();
        assertEquals("every old instance's bundle is gone", 1, helloBundles);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (oldLoaders.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals("old class loaders still reachable", 0, oldLoaders.stream().filter(r -> r.get() != null).count());
    }

    @Test
    public void aFailedInitLeavesTheOldInstanceServingWithoutARefusal() throws Exception {
        Module old = container.load(KmodOptions.jar("tm-initfail"), LoadOptions.of(Map.of("fail", "n")));
        Runnable marker = container.service(context, Runnable.class, "(kmod4j.testmodule=tm_initfail)", null);
        Callers callers = new Callers(4, marker);
        try (callers) {
            callers.await(100);
            String before = Kmod.lsmod(processor);
            ModuleException e = Kmod.failure(Errno.ENODEV,
                    () -> container.replace(KmodOptions.jar("tm-initfail"), LoadOptions.defaults()));
            assertTrue(e.getMessage(), e.getMessage().contains("No such device"));
            assertEquals(before, Kmod.lsmod(processor));
            assertSame(old, container.find("tm_initfail").get());
            assertEquals(ModuleState.LIVE, old.state());
            callers.await(100);
        }
        assertEquals(callers.toString(), 0, callers.refused.get());
        assertEquals(callers.toString(), 0, callers.failed.get());
    }

    @Test
    public void aComingVetoLeavesTheOldInstanceServingWithoutARefusal() throws Exception {
        Module old = Examples.load(container, "hello");
        ModuleNotifier veto = (event, mod) -> {
            if (event == ModuleState.COMING && mod.name().equals("hello") && mod != old) {
                throw new ModuleException(Errno.EPERM, "not now");
            }
        };
        ServiceRegistration<ModuleNotifier> reg = context.registerService(ModuleNotifier.class, veto, null);
        @SuppressWarnings("unchecked")
        Function<String, String> greeter = container.service(context, Function.class, GREETER, null);
        Callers callers = new Callers(4, () -> greeter.apply("x"));
        try (callers) {
            callers.await(100);
            Kmod.failure(Errno.EPERM, () -> container.replace(Examples.jar("hello"), LoadOptions.defaults()));
            assertSame(old, container.find("hello").get());
            assertEquals(ModuleState.LIVE, old.state());
            callers.await(100);
        } finally {
            reg.unregister();
        }
        assertEquals(callers.toString(), 0, callers.refused.get());
        assertEquals(callers.toString(), 0, callers.failed.get());
        assertEquals("hello, x", greeter.apply("x"));
    }

    @Test
    public void aModuleWiredToTheOldInstanceRefusesTheReplace() {
        container.load(KmodOptions.jar("tm-lib"), LoadOptions.defaults());
        container.load(KmodOptions.jar("tm-user"), LoadOptions.defaults());
        String before = Kmod.lsmod(processor);
        ModuleException e = Kmod.failure(Errno.EWOULDBLOCK,
                () -> container.replace(KmodOptions.jar("tm-lib"), LoadOptions.defaults()));
        assertEquals("Module tm_lib is in use by: tm_user", e.getMessage());
        assertEquals(before, Kmod.lsmod(processor));
    }

    @Test
    public void insmodReplaceInTheShell() throws Exception {
        Examples.load(container, "hello");
        Kmod.ok(processor, "insmod --replace " + Examples.jar("hello") + " greeting=hi");
        assertEquals("hi", container.find("hello").get().parameters().get("greeting"));
        Kmod.CommandResult r = Kmod.run(processor, "insmod --replace " + KmodOptions.jar("tm-good"));
        assertTrue(r.toString(), r.toString().contains("not loaded: nothing to replace"));
        assertNull(container.find("tm_good").orElse(null));
    }
}
