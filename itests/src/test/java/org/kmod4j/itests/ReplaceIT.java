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
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Zero-downtime replace on real Felix: callers through ModuleContext-style following proxies
 * (ModuleContainer.service) are never refused while the provider is replaced, a failed replace
 * leaves the old instance serving, wiring holders refuse it as they refuse rmmod, and --cascade
 * replaces them with it.
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

    private static final String CHAIN = "mp_a(mp_b(mp_c()))";

    /** mp_c ← mp_b ← mp_a (each imports the package of the next); mp_a's Supplier calls through all three. */
    private List<Module> loadChain() {
        System.clearProperty("kmod4j.itest.mp");
        List<Module> chain = new ArrayList<>();
        for (String m : List.of("mp-c", "mp-b", "mp-a")) {
            chain.add(container.load(KmodOptions.jar(m), LoadOptions.defaults()));
        }
        return chain;
    }

    private static List<String> chainTrace() {
        String t = System.getProperty("kmod4j.itest.mp", "");
        return t.isEmpty() ? List.of() : List.of(t.split(","));
    }

    /** The bundles {@code bundle} imports packages from. */
    private static List<Bundle> packageProviders(Bundle bundle) {
        List<Bundle> providers = new ArrayList<>();
        for (org.osgi.framework.wiring.BundleWire w : bundle.adapt(BundleWiring.class)
                .getRequiredWires(org.osgi.framework.namespace.PackageNamespace.PACKAGE_NAMESPACE)) {
            if (w.getProvider().getBundle().getBundleId() != 0) {
                providers.add(w.getProvider().getBundle());
            }
        }
        return providers;
    }

    /**
     * --cascade through two levels: refused without it ("in use by"), then mp_c, mp_b and mp_a are
     * replaced together while 4 callers run through mp_a's service (which runs the code of all
     * three): not one call refused or failed; the new instances are wired to each other, never to
     * an old one; inits in dependency order before any old exit, exits in reverse order.
     */
    @Test
    public void cascadeReplacesTheHoldersThroughTwoLevelsWithoutARefusedCall() throws Exception {
        List<Module> old = loadChain();
        String before = Kmod.snapshot(context, container, processor);
        ModuleException e = Kmod.failure(Errno.EWOULDBLOCK,
                () -> container.replace(KmodOptions.jar("mp-c"), LoadOptions.defaults()));
        assertEquals("Module mp_c is in use by: mp_b", e.getMessage());
        Kmod.assertNoTrace("a replace refused by holders", before, context, container, processor);

        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        ModuleNotifier recorder = (event, mod) -> {
            if (mod.name().startsWith("mp_")) {
                events.add(event + " " + mod.name() + (old.contains(mod) ? " old" : " new"));
            }
        };
        ServiceRegistration<ModuleNotifier> reg = context.registerService(ModuleNotifier.class, recorder, null);
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<String> chain = container.service(context, java.util.function.Supplier.class,
                "(kmod4j.testmodule=mp_a)", null);
        Callers callers = new Callers(4, () -> {
            String v = chain.get();
            if (!CHAIN.equals(v)) {
                throw new IllegalStateException("wrong answer " + v);
            }
        });
        Module c2;
        try (callers) {
            callers.await(100);
            c2 = container.replace(KmodOptions.jar("mp-c"), LoadOptions.defaults(), ReplaceOptions.defaults().withCascade(true));
            callers.await(100);
        } finally {
            reg.unregister();
        }
        System.out.println("ReplaceIT cascade: " + callers);
        assertEquals(callers.toString(), 0, callers.refused.get());
        assertEquals(callers.toString(), 0, callers.failed.get());
        assertEquals(List.of(
                "COMING mp_c new", "COMING mp_b new", "COMING mp_a new",
                "LIVE mp_c new", "LIVE mp_b new", "LIVE mp_a new",
                "GOING mp_a old", "GOING mp_b old", "GOING mp_c old"), events);
        assertEquals(List.of("init:mp_c", "init:mp_b", "init:mp_a", "init:mp_c", "init:mp_b", "init:mp_a",
                "exit:mp_a", "exit:mp_b", "exit:mp_c"), chainTrace());
        Module b2 = container.find("mp_b").get();
        Module a2 = container.find("mp_a").get();
        assertSame(c2, container.find("mp_c").get());
        for (Module m : old) {
            assertEquals(m.name(), ModuleState.GOING, m.state());
            assertEquals(m.name(), Bundle.UNINSTALLED, m.bundle().getState());
        }
        assertEquals("new mp_b is wired to new mp_c", List.of(c2.bundle()), packageProviders(b2.bundle()));
        assertEquals("new mp_a is wired to new mp_b", List.of(b2.bundle()), packageProviders(a2.bundle()));
        assertEquals(List.of("mp_b"), c2.holders());
        assertEquals(List.of("mp_a"), b2.holders());
        assertEquals(CHAIN, chain.get());
        assertEquals(List.of("mp_a", "mp_b", "mp_c"), Kmod.names(container).stream().sorted().toList());
    }

    /** A COMING veto of a holder's new instance: every new instance goes, every old one keeps serving. */
    @Test
    public void aVetoedHolderLeavesTheWholeOldChainServingWithoutARefusal() throws Exception {
        List<Module> old = loadChain();
        String before = Kmod.snapshot(context, container, processor);
        ModuleNotifier veto = (event, mod) -> {
            if (event == ModuleState.COMING && mod.name().equals("mp_b") && !old.contains(mod)) {
                throw new ModuleException(Errno.EPERM, "not now");
            }
        };
        ServiceRegistration<ModuleNotifier> reg = context.registerService(ModuleNotifier.class, veto, null);
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<String> chain = container.service(context, java.util.function.Supplier.class,
                "(kmod4j.testmodule=mp_a)", null);
        Callers callers = new Callers(4, () -> {
            if (!CHAIN.equals(chain.get())) {
                throw new IllegalStateException("wrong answer");
            }
        });
        try (callers) {
            callers.await(100);
            Kmod.failure(Errno.EPERM, () -> container.replace(KmodOptions.jar("mp-c"), LoadOptions.defaults(),
                    ReplaceOptions.defaults().withCascade(true)));
            callers.await(100);
        } finally {
            reg.unregister();
        }
        assertEquals(callers.toString(), 0, callers.refused.get());
        assertEquals(callers.toString(), 0, callers.failed.get());
        Kmod.assertNoTrace("a vetoed cascade", before, context, container, processor);
        assertEquals("the new mp_c ran and went; no old exit",
                List.of("init:mp_c", "init:mp_b", "init:mp_a", "init:mp_c", "exit:mp_c"), chainTrace());
        for (Module m : old) {
            assertSame(m, container.find(m.name()).get());
            assertEquals(ModuleState.LIVE, m.state());
        }
    }

    /** A module that only calls another's service does not hold it: a plain replace goes through. */
    @Test
    public void aServiceConsumerNeverBlocksAReplace() throws Exception {
        Examples.load(container, "hello");
        Module client = Examples.load(container, "greeter-client", "period_ms", "1");
        Examples.awaitDmesg(container, "greeter_client: greeter available: hello", 1);
        assertEquals(List.of(), container.find("hello").get().holders());
        container.replace(Examples.jar("hello"), LoadOptions.of(Map.of("greeting", "hi")));
        assertSame(client, container.find("greeter_client").get());
        assertEquals(ModuleState.LIVE, client.state());
    }

    @Test
    public void insmodReplaceCascadeInTheShell() throws Exception {
        List<Module> old = loadChain();
        String before = Kmod.snapshot(context, container, processor);
        Kmod.CommandResult r = Kmod.run(processor, "insmod --cascade " + KmodOptions.jar("mp-c"));
        assertTrue(r.toString(), r.toString().contains("--cascade only applies to --replace"));
        Kmod.assertNoTrace("insmod --cascade without --replace", before, context, container, processor);
        Kmod.ok(processor, "insmod --replace --cascade " + KmodOptions.jar("mp-c"));
        for (Module m : old) {
            assertTrue(m.name(), container.find(m.name()).get() != m);
        }
        assertEquals(List.of("mp_b"), container.find("mp_c").get().holders());
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
