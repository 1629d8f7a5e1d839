package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.api.UnloadOptions;

/**
 * Kernel torture (rcutorture / kmod.sh style): 8 threads doing random load, unload, replace
 * (a 2.0.0 jar of the name; half of them with --cascade, which replaces user with base), tryGet/put, guarded enter/call, SRCU call and barrier, and requestModule (through a modprobe-like
 * requester) on a few module names, some of which use others (holders) and one of which fails its
 * init at random. Module code re-enters the container: inits, exits, notifiers, SRCU callbacks
 * and guarded calls load, unload, request and synchronize (on modules of a lower rank, so the
 * test itself builds no wait cycle; the self-waits among them must fail with EDEADLK). The host
 * injects random RuntimeExceptions and Errors into install, resolve, start, stop and loadClass.
 * Invariants are checked after every step (no module stuck UNFORMED/COMING/GOING once no
 * operation on its name is in flight, the stepping thread holds no lock and waits on nothing,
 * references cover the holders) and again after quiescence; a watchdog dumps every thread and
 * fails the test if no step completes for 30 s.
 *
 * <p>Runs 20 s in the normal suite; {@code -Dkmod4j.torture.seconds=600} for the 10-minute run
 * ({@code -Dkmod4j.torture.threads}, {@code -Dkmod4j.torture.stall.seconds} also exist).
 */
public class KernelTortureTest extends KernelTestBase {
    private static final long SECONDS = Long.getLong("kmod4j.torture.seconds", 20);
    private static final int THREADS = Integer.getInteger("kmod4j.torture.threads", 8);
    private static final long STALL_SECONDS = Long.getLong("kmod4j.torture.stall.seconds", 30);
    /** base ← user (user uses base); flaky fails its init a third of the time; a, b are plain. */
    private static final String[] NAMES = {"base", "user", "flaky", "a", "b"};
    /** Module code of a name acts only on names of a lower rank (and on itself, where a self-wait must be refused). */
    private static final List<String> RANKED = List.of("a", "b", "base", "user", "flaky");
    /** One host call in FAULT_ONE_IN fails with an injected RuntimeException or Error. */
    private static final int FAULT_ONE_IN = Integer.getInteger("kmod4j.torture.fault.one.in", 40);
    /** Errors module code may get back when it re-enters: refusals and the failures of what it loaded. */
    private static final Set<Errno> REENTRY_ERRORS = EnumSet.of(Errno.EEXIST, Errno.EBUSY, Errno.ENODEV, Errno.ENOENT,
            Errno.EWOULDBLOCK, Errno.EDEADLK, Errno.EIO, Errno.EINVAL);
    /** ENOENT: user while base is going or failed (Linux: a load whose dependency goes fails). */
    private static final Set<Errno> LOAD_ERRORS = EnumSet.of(Errno.EEXIST, Errno.EBUSY, Errno.ENODEV, Errno.ENOENT);
    private static final Set<Errno> UNLOAD_ERRORS = EnumSet.of(Errno.ENOENT, Errno.EWOULDBLOCK, Errno.EBUSY);
    /** A replace fails as a load of the new instance, or as an rmmod of the old one (held, going, being replaced). */
    private static final Set<Errno> REPLACE_ERRORS = EnumSet.of(Errno.ENOENT, Errno.EBUSY, Errno.EWOULDBLOCK, Errno.ENODEV);
    private static final String REPLACEMENT_VERSION = "2.0.0";

    private final Map<String, Path> jarOf = new HashMap<>();
    /** The same modules at {@link #REPLACEMENT_VERSION}: what replace loads. */
    private final Map<String, Path> replacementOf = new HashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicLong progress = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, LongAdder> ops = new ConcurrentHashMap<>();

    /** Per module instance (identity): lifecycle record. */
    private static final class Life {
        final AtomicInteger inits = new AtomicInteger();
        final AtomicInteger exits = new AtomicInteger();
        final List<ModuleState> events = new CopyOnWriteArrayList<>();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger ran = new AtomicInteger();
        volatile boolean freed;
        volatile boolean initFailed;
        /** A replace's new instance (COMING beside the old one, which had the name). */
        volatile boolean replacement;
        /** An injected fault at loadClass or start: COMING then GOING, init never ran. */
        volatile boolean faulted;
    }

    private final Map<Module, Life> lives = new ConcurrentHashMap<>();
    /** Each SRCU callback's id → how many times it ran (must end at exactly 1). */
    private final Map<Long, AtomicInteger> callbacks = new ConcurrentHashMap<>();
    private final AtomicLong callbackIds = new AtomicLong();
    private final LongAdder pruned = new LongAdder();
    /** Per name: operations (load, unload, request) started and finished, for the stuck-state check. */
    private final Map<String, AtomicLong> started = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> finished = new ConcurrentHashMap<>();
    /** Re-entries in progress on this thread (module code called from module code): bounded depth. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    private volatile boolean faultsOn = true;
    /** Re-entries running now on any thread; the final checks wait for none. */
    private final AtomicInteger reentering = new AtomicInteger();

    private AtomicLong counter(Map<String, AtomicLong> m, String name) {
        return m.computeIfAbsent(name, k -> new AtomicLong());
    }

    /** Runs an operation on {@code name}, counted for the stuck-state check. */
    private <T> T op(String name, java.util.function.Supplier<T> body) {
        counter(started, name).incrementAndGet();
        try {
            return body.get();
        } finally {
            counter(finished, name).incrementAndGet();
        }
    }

    /** The record of an instance, made at its COMING notification (and init, which follows it). */
    private Life life(Module m) {
        return lives.computeIfAbsent(m, k -> new Life());
    }

    /** The record of an instance if it is still tracked; null once it was checked and forgotten. */
    private Life known(Module m) {
        return lives.get(m);
    }

    private void violation(String what) {
        violations.add(Thread.currentThread().getName() + ": " + what);
    }

    @Test
    public void randomOperationsKeepEveryInvariant() throws Exception {
        for (String n : NAMES) {
            String[] headers = n.equals("user") ? new String[] {"X-Test-Uses", "base"} : new String[0];
            jarOf.put(n, jars.module(n, headers));
            String[] v2 = java.util.Arrays.copyOf(headers, headers.length + 2);
            v2[headers.length] = "Bundle-Version";
            v2[headers.length + 1] = REPLACEMENT_VERSION;
            replacementOf.put(n, jars.module(n, v2));
            TestModules.INIT.put(n, ctx -> {
                Life l = life(ctx.module());
                if (l.inits.incrementAndGet() != 1) {
                    violation("init ran twice for " + n);
                }
                if (n.equals("flaky") && ThreadLocalRandom.current().nextInt(3) == 0) {
                    l.initFailed = true;
                    throw new ModuleException(Errno.ENODEV, "flaky init");
                }
                reenter(ctx.module(), "init", true);
            });
            TestModules.EXIT.put(n, ctx -> {
                Life l = life(ctx.module());
                if (l.exits.incrementAndGet() != 1) {
                    violation("exit ran twice for " + n);
                }
                reenter(ctx.module(), "exit", true);
            });
        }
        kernel.notifiers().register((event, mod) -> {
            Life l = life(mod);
            l.events.add(event);
            if (event == ModuleState.COMING && kernel.find(mod.name()).orElse(null) != mod) {
                l.replacement = true; // the name is still the old instance's
            }
            if (event == ModuleState.GOING) {
                // GOING comes before the bundle is freed
                if (!host.installed.containsKey(mod.bundle().getBundleId())) {
                    violation("GOING of " + mod.name() + " after its bundle was freed");
                }
            }
            if (ThreadLocalRandom.current().nextInt(8) == 0) {
                reenter(mod, "notifier " + event, false);
            }
        }, 0);
        host.faults = this::maybeFault;
        kernel.requester(name -> {
            Path jar = jarOf.get(name);
            if (jar == null) {
                throw new ModuleException(Errno.ENOENT, "Module " + name + " not found");
            }
            try {
                return List.of(kernel.load(jar, LoadOptions.defaults()));
            } catch (ModuleException e) {
                if (e.errno() == Errno.EEXIST) {
                    return List.of(kernel.find(name).orElseThrow(() -> e));
                }
                throw e;
            }
        });

        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(this::work, "torture-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        Thread watchdog = new Thread(() -> watch(workers), "torture-watchdog");
        watchdog.setDaemon(true);
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        watchdog.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS)); // the run's length, not a synchronization
        stop.set(true); // also ends re-entry from module code
        faultsOn = false;
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(STALL_SECONDS + 30));
        }
        watchdog.interrupt();
        watchdog.join();
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(STALL_SECONDS);
        while (reentering.get() > 0 && System.nanoTime() < settle) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // callbacks finishing their re-entry
        }
        if (reentering.get() > 0) {
            violation(reentering.get() + " re-entries from module code still running " + STALL_SECONDS + " s after the stop");
        }
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        quiescentChecks();
        // and everything can still be unloaded: no stuck reference or holder
        for (int round = 0; round < 3; round++) {
            for (String n : new String[] {"user", "base", "flaky", "a", "b"}) {
                try {
                    kernel.unload(n, UnloadOptions.defaults());
                    afterUnload(n);
                } catch (ModuleException e) {
                    if (e.errno() != Errno.ENOENT) {
                        violation("final unload of " + n + ": " + e.errno() + " " + e.getMessage());
                    }
                }
            }
        }
        if (!kernel.modules().isEmpty() || !host.installedNames().isEmpty()) {
            violation("left after the final unloads: modules " + kernel.modules() + ", bundles " + host.installedNames());
        }
        quiescentChecks();

        long total = progress.get();
        System.out.println("KernelTortureTest: " + THREADS + " threads, " + elapsed + " s, " + total + " operations, "
                + new TreeSet<>(ops.keySet()).stream().map(k -> k + "=" + ops.get(k).sum()).reduce((x, y) -> x + " " + y).orElse("")
                + ", " + (lives.size() + pruned.sum()) + " module instances, " + callbackIds.get() + " SRCU callbacks, "
                + violations.size() + " invariant violations");
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (String v : violations) {
            kinds.merge(v.replaceFirst("^[^:]*: ", "").replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        assertTrue("invariant violations by kind " + kinds + ":\n" + String.join("\n", violations.subList(0, Math.min(50, violations.size()))),
                violations.isEmpty());
        assertTrue("some loads and unloads happened", ops.containsKey("load.ok") && ops.containsKey("unload.ok"));
        assertTrue("some replaces, with and without --cascade, happened",
                ops.containsKey("replace.ok") && ops.containsKey("replace-cascade.ok"));
    }

    private void count(String op) {
        ops.computeIfAbsent(op, k -> new LongAdder()).increment();
        progress.incrementAndGet();
    }

    private void work() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (!stop.get() && !Thread.currentThread().isInterrupted()) {
            String name = NAMES[r.nextInt(NAMES.length)];
            try {
                switch (r.nextInt(9)) {
                    case 0 -> load(name);
                    case 1 -> unload(name);
                    case 2, 3 -> reference(name, r);
                    case 4, 5 -> guarded(name, r);
                    case 6 -> barrier(name);
                    case 7 -> replace(name, r.nextBoolean());
                    default -> request(name);
                }
            } catch (ModuleException e) {
                violation("unexpected " + e.errno() + ": " + e.getMessage());
            } catch (RuntimeException | Error e) {
                violation("unexpected " + e);
            }
            stepChecks();
        }
    }

    private void load(String name) {
        try {
            Module m = op(name, () -> kernel.load(jarOf.get(name), LoadOptions.defaults()));
            if (m.state() == ModuleState.UNFORMED || m.state() == ModuleState.COMING) {
                violation("load returned " + name + " in " + m.state());
            }
            count("load.ok");
        } catch (ModuleException e) {
            if (!LOAD_ERRORS.contains(e.errno()) && !injected(e)) {
                violation("load " + name + ": " + e.errno() + " " + e.getMessage());
            }
            count("load." + e.errno());
        }
    }

    private void unload(String name) {
        try {
            op(name, () -> {
                kernel.unload(name, UnloadOptions.defaults());
                return null;
            });
            afterUnload(name);
            count("unload.ok");
        } catch (ModuleException e) {
            if (!UNLOAD_ERRORS.contains(e.errno())) {
                violation("unload " + name + ": " + e.errno() + " " + e.getMessage());
            }
            count("unload." + e.errno());
        }
    }

    /** A replace, or a replace --cascade (of base: user, which holds it, is replaced too). */
    private void replace(String name, boolean cascade) {
        String kind = cascade ? "replace-cascade" : "replace";
        boolean holder = cascade && name.equals("base");
        try {
            java.util.function.Supplier<Module> replace = () -> op(name, () -> kernel.replace(replacementOf.get(name),
                    LoadOptions.defaults(), ReplaceOptions.defaults().withCascade(cascade)));
            Module m = holder ? op("user", replace) : replace.get();
            if (m.state() != ModuleState.LIVE && m.state() != ModuleState.GOING) {
                violation(kind + " returned " + name + " in " + m.state());
            }
            afterUnload(name); // the old instance is freed
            if (holder) {
                afterUnload("user");
            }
            count(kind + ".ok");
        } catch (ModuleException e) {
            if (!REPLACE_ERRORS.contains(e.errno()) && !injected(e)) {
                violation(kind + " " + name + ": " + e.errno() + " " + e.getMessage());
            }
            count(kind + "." + e.errno());
        }
    }

    /** After a successful unload: exit ran once, GOING was last, every SRCU callback ran (implicit barrier). */
    private void afterUnload(String name) {
        for (Map.Entry<Module, Life> e : lives.entrySet()) {
            Module m = e.getKey();
            Life l = e.getValue();
            if (!m.name().equals(name) || l.freed || host.installed.containsKey(m.bundle().getBundleId())) {
                continue;
            }
            l.freed = true;
            if (l.queued.get() != l.ran.get()) {
                violation(name + " unloaded with " + (l.queued.get() - l.ran.get()) + " SRCU callback(s) not run");
            }
        }
    }

    private void reference(String name, ThreadLocalRandom r) {
        Module m = kernel.find(name).orElse(null);
        if (m == null) {
            count("ref.absent");
            return;
        }
        if (!m.tryGet()) {
            count("ref.refused");
            return;
        }
        try {
            count("ref.got");
            Life l = known(m); // tracked: the module is installed while we hold a reference taken before GOING
            if (m.state() != ModuleState.LIVE) {
                // taken while COMING: as in Linux (do_init_module's "protect us from buggy
                // refcounters"), a reference does not keep a module whose init fails
                count("ref.coming");
                awaitSettled(m);
                if (m.state() == ModuleState.GOING && l != null && !l.initFailed && !l.faulted) {
                    violation(name + " went GOING after init with a reference taken in COMING held");
                }
                return;
            }
            if (r.nextInt(4) == 0) {
                Thread.yield();
            }
            // a reference on a LIVE module keeps it: not going, still registered, bundle not freed
            if (m.state() == ModuleState.GOING) {
                violation(name + " went GOING while a reference was held");
            }
            if (kernel.find(name).orElse(null) != m) {
                violation(name + " left the registry while a reference was held");
            }
            if (!host.installed.containsKey(m.bundle().getBundleId())) {
                violation(name + " was freed while a reference was held");
            }
            if (m.refcount() < 1) {
                violation(name + " refcount " + m.refcount() + " with a reference held");
            }
        } finally {
            m.put();
        }
    }

    /** Waits (briefly) until a COMING module is LIVE or GOING. */
    private static void awaitSettled(Module m) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (m.state() == ModuleState.COMING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private void guarded(String name, ThreadLocalRandom r) {
        Module m = kernel.find(name).orElse(null);
        if (m == null) {
            count("enter.absent");
            return;
        }
        ModuleGuard g;
        try {
            g = m.enter();
        } catch (ModuleException e) {
            if (e.errno() != Errno.ENOENT && e.errno() != Errno.EBUSY) {
                violation("enter " + name + ": " + e.errno());
            }
            count("enter." + e.errno());
            return;
        }
        try (g) {
            count("enter.ok");
            Life l = known(m);
            if (l == null) {
                violation("a guarded call entered " + name + " after it was freed");
                return;
            }
            if (l.exits.get() != 0 || l.freed || !host.installed.containsKey(m.bundle().getBundleId())) {
                violation("a guarded call observed " + name + " exited or freed");
            }
            if (r.nextBoolean()) {
                long id = callbackIds.incrementAndGet();
                AtomicInteger runs = new AtomicInteger();
                callbacks.put(id, runs);
                m.domain().call(() -> {
                    if (runs.incrementAndGet() != 1) {
                        violation("SRCU callback " + id + " ran twice");
                    }
                    callbacks.remove(id);
                    if (!host.installed.containsKey(m.bundle().getBundleId())) {
                        violation("SRCU callback of " + name + " ran after its module was freed");
                    }
                    l.ran.incrementAndGet();
                    reenter(m, "srcu callback", true);
                });
                l.queued.incrementAndGet(); // after call() returned: what a later barrier must cover
                count("call");
            }
            if (r.nextInt(4) == 0) {
                reenter(m, "guarded call", false);
            }
            Thread.yield();
            if (l.exits.get() != 0 || !host.installed.containsKey(m.bundle().getBundleId())) {
                violation("a guarded call observed " + name + " exited or freed after a yield");
            }
        }
    }

    private void barrier(String name) {
        Module m = kernel.find(name).orElse(null);
        if (m == null || !m.tryGet()) {
            count("barrier.skipped");
            return;
        }
        try {
            Life l = known(m);
            if (l == null) {
                count("barrier.skipped"); // taken in COMING, init failed and freed since
                return;
            }
            int queued = l.queued.get();
            m.domain().barrier();
            if (l.ran.get() < queued) {
                violation("barrier on " + name + " returned with callbacks queued before it not run");
            }
            count("barrier");
        } finally {
            m.put();
        }
    }

    private void request(String name) {
        try {
            List<Module> got = op(name, () -> kernel.requestModule(name));
            if (got.size() != 1 || !got.get(0).name().equals(name)) {
                violation("requestModule " + name + " gave " + got);
            }
            count("request.ok");
        } catch (ModuleException e) {
            if (!LOAD_ERRORS.contains(e.errno()) && !injected(e)) {
                violation("requestModule " + name + ": " + e.errno() + " " + e.getMessage());
            }
            count("request." + e.errno());
        }
    }

    /** Cheap checks after every step. */
    private void stepChecks() {
        if (kernel.registry.isLockedByCurrentThread() || !kernel.waits.idleOnThisThread()) {
            violation("a lock or a wait registration is still held at rest");
        }
        for (String name : NAMES) {
            stuckCheck(name);
        }
        for (Module m : kernel.modules()) {
            // The reads are not one snapshot: a new link takes its reference before it shows in the
            // holders, and a removed link is dropped before its reference is put. So only holders seen
            // both before and after the refcount read must be covered by it.
            // Instances, not names: during a replace of a holder both of its instances hold m.
            m.holders(); // links wires made since
            List<KernelModule> before = ((KernelModule) m).holderModules();
            int rc = m.refcount();
            List<KernelModule> holders = new java.util.ArrayList<>(before);
            holders.retainAll(((KernelModule) m).holderModules());
            if (m.state() == ModuleState.LIVE && rc >= 0 && rc < holders.size()) {
                violation(m.name() + " refcount " + rc + " below its holders " + KernelModule.names(holders));
            }
            if (rc < -1) {
                violation(m.name() + " refcount " + rc + " in " + m.state());
            } else if (rc == -1 && m.state() == ModuleState.LIVE) {
                // as in Linux: the base is released (try_stop_module) under the module mutex just
                // before the state turns GOING; a -1 on a LIVE module must be that window only
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (m.state() == ModuleState.LIVE && m.refcount() == -1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (m.state() == ModuleState.LIVE && m.refcount() == -1) {
                    violation(m.name() + " refcount -1 while LIVE for 5 s");
                }
            }
        }
    }

    /**
     * No instance of {@code name} is UNFORMED, COMING or GOING while no operation on the name is
     * in flight: read finished, then started (equal: none in flight, none begun in between), then
     * the state, then started again (unchanged: still none).
     */
    private void stuckCheck(String name) {
        long f = counter(finished, name).get();
        long s1 = counter(started, name).get();
        if (f != s1) {
            return;
        }
        KernelModule m = kernel.registry.snapshot().entry(name);
        ModuleState state = m == null ? null : m.state();
        if (counter(started, name).get() != s1 || state == null || state == ModuleState.LIVE) {
            return;
        }
        violation(name + " stuck " + state + " with no operation on it in flight");
    }

    /** With every thread stopped: nothing between states, registry = host, lifecycles complete. */
    private void quiescentChecks() {
        if (kernel.registry.isLocked() || kernel.waits.waiting() != 0) {
            violation("at quiescence the module mutex is held or a thread is registered waiting");
        }
        for (String name : NAMES) {
            stuckCheck(name);
        }
        Set<String> registered = new TreeSet<>();
        for (Module m : kernel.modules()) {
            registered.add(m.name());
            if (m.state() != ModuleState.LIVE) {
                violation("after quiescence " + m.name() + " is " + m.state());
            }
            if (m.refcount() != m.holders().size()) {
                violation("after quiescence " + m.name() + " refcount " + m.refcount() + " but holders " + m.holders());
            }
            if (!host.installed.containsKey(m.bundle().getBundleId())) {
                violation(m.name() + " registered but its bundle is not installed");
            }
        }
        if (!registered.equals(new TreeSet<>(host.installedNames()))) {
            violation("registry " + registered + " vs installed bundles " + host.installedNames());
        }
        for (Map.Entry<Module, Life> e : lives.entrySet()) {
            Module m = e.getKey();
            boolean live = kernel.find(m.name()).orElse(null) == m;
            if (live) {
                Life l = e.getValue();
                if (!l.events.equals(List.of(ModuleState.COMING, ModuleState.LIVE)) || l.inits.get() != 1 || l.exits.get() != 0
                        || l.faulted) {
                    violation(m.name() + " (live) events " + l.events + " inits " + l.inits + " exits " + l.exits);
                }
            } else {
                verifyGone(m, e.getValue());
            }
        }
        for (Module m : kernel.modules()) {
            m.domain().barrier();
        }
        if (!callbacks.isEmpty()) {
            violation(callbacks.size() + " SRCU callback(s) never ran: " + callbacks.keySet());
        }
    }

    /** A freed instance: its whole lifecycle happened exactly once, in order. */
    private void verifyGone(Module m, Life l) {
        boolean failed = l.initFailed || l.faulted;
        if (!failed && l.replacement && l.events.equals(List.of(ModuleState.COMING, ModuleState.GOING))
                && l.inits.get() == 1 && l.exits.get() == 1 && l.queued.get() == l.ran.get()) {
            // a replace abandoned after init (the old one got a holder or a reference, or another
            // new instance of its cascade failed): unloaded, never LIVE
            return;
        }
        List<ModuleState> expected = failed ? List.of(ModuleState.COMING, ModuleState.GOING)
                : List.of(ModuleState.COMING, ModuleState.LIVE, ModuleState.GOING);
        if (!l.events.equals(expected)) {
            violation(m.name() + " (gone) notifier events " + l.events + ", expected " + expected);
        }
        if (l.inits.get() != (l.faulted ? 0 : 1)) {
            violation(m.name() + " init ran " + l.inits.get() + " times");
        }
        int exits = failed ? 0 : 1;
        if (l.exits.get() != exits) {
            violation(m.name() + " exit ran " + l.exits.get() + " times, expected " + exits);
        }
        if (l.queued.get() != l.ran.get()) {
            violation(m.name() + " gone with " + (l.queued.get() - l.ran.get()) + " SRCU callbacks not run");
        }
    }

    /** Checks and forgets instances whose bundle is gone, so a 10-minute run keeps bounded memory. */
    private void prune() {
        for (Map.Entry<Module, Life> e : lives.entrySet()) {
            Module m = e.getKey();
            if (!host.installed.containsKey(m.bundle().getBundleId()) && kernel.find(m.name()).orElse(null) != m) {
                verifyGone(m, e.getValue());
                lives.remove(m);
                pruned.increment();
            }
        }
    }

    /**
     * Module code calling back into the container: on a name of lower rank, a load, unload,
     * request, or a synchronize of its domain; or on itself, where the wait would be on itself
     * (a load of its own name from init, an unload or synchronize from its own read section),
     * which must be refused with EDEADLK (EBUSY where the name is GOING or COMING). Depth is
     * bounded so chains of re-entry stay short; nothing re-enters once the run is stopping.
     *
     * @param mayWait whether the caller may wait for grace periods of lower modules (not a notifier,
     *     whose thread may be inside a read section of any rank)
     */
    private void reenter(Module self, String where, boolean mayWait) {
        int[] d = depth.get();
        if (stop.get() || d[0] >= 2) {
            return;
        }
        reentering.incrementAndGet();
        try {
            reenterOnce(self, where, mayWait, d);
        } finally {
            reentering.decrementAndGet();
        }
    }

    private void reenterOnce(Module self, String where, boolean mayWait, int[] d) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int rank = RANKED.indexOf(self.name());
        boolean selfOp = rank == 0 || r.nextInt(6) == 0;
        String target = selfOp ? self.name() : RANKED.get(r.nextInt(rank));
        d[0]++;
        String what = "?";
        try {
            int choice = r.nextInt(4);
            if (selfOp) {
                if (where.equals("srcu callback") && choice == 0) {
                    what = "unload itself"; // its implicit barrier would wait for this callback
                    expectDeadlock(self, what, () -> kernel.unload(self.name(), UnloadOptions.defaults()));
                } else if (where.equals("guarded call")) {
                    // inside its own read section: both would wait for this very reader
                    if (choice < 2) {
                        what = "unload itself";
                        expectDeadlock(self, what, () -> kernel.unload(self.name(), UnloadOptions.defaults()));
                    } else {
                        what = "synchronize its own domain";
                        expectDeadlock(self, what, () -> self.domain().synchronize());
                    }
                } else if (where.equals("init")) {
                    what = "load its own name";
                    expectDeadlock(self, what, () -> op(self.name(), () -> kernel.load(jarOf.get(self.name()), LoadOptions.defaults())));
                } else if (mayWait && !where.startsWith("notifier")) {
                    what = "synchronize its own domain";
                    self.domain().synchronize();
                }
                count("reenter.self");
                return;
            }
            switch (choice) {
                case 0 -> {
                    what = "load " + target;
                    op(target, () -> kernel.load(jarOf.get(target), LoadOptions.defaults()));
                }
                case 1 -> {
                    what = "unload " + target;
                    if (mayWait) {
                        op(target, () -> {
                            kernel.unload(target, UnloadOptions.defaults());
                            return null;
                        });
                    }
                }
                case 2 -> {
                    what = "requestModule " + target;
                    op(target, () -> kernel.requestModule(target));
                }
                default -> {
                    what = "synchronize " + target;
                    Module t = kernel.find(target).orElse(null);
                    if (mayWait && t != null && t.tryGet()) {
                        try {
                            t.domain().synchronize();
                        } finally {
                            t.put();
                        }
                    }
                }
            }
            count("reenter.ok");
        } catch (ModuleException e) {
            if (!injected(e) && (!REENTRY_ERRORS.contains(e.errno()) || e.errno() == Errno.EIO)) {
                violation(where + " of " + self.name() + ": " + what + ": " + e.errno() + " " + e.getMessage());
            }
            count("reenter." + e.errno());
        } catch (RuntimeException | Error e) {
            violation(where + " of " + self.name() + ": " + what + " threw " + e);
        } finally {
            d[0]--;
        }
    }

    private void expectDeadlock(Module self, String what, Runnable call) {
        try {
            call.run();
            if (kernel.registry.snapshot().entry(self.name()) != self) {
                // the name is not self's: a replacement's init (the old instance holds the name), or
                // a replace moved it while self was running (self may be GOING since); the call
                // acted on another instance (on self it would have waited for itself, not returned)
                count("reenter.self.moved");
                return;
            }
            violation(what + " from its own read section or init was not refused");
        } catch (ModuleException e) {
            if (e.errno() != Errno.EDEADLK && e.errno() != Errno.EBUSY && e.errno() != Errno.ENOENT
                    && e.errno() != Errno.EWOULDBLOCK) {
                throw e;
            }
            count("reenter.self." + e.errno());
        }
    }

    /** The instance of {@code name} in COMING (during a replace the name's entry is the old, LIVE one). */
    private KernelModule loading(String name) {
        for (KernelModule m : kernel.registry.snapshot().modules) {
            if (m.name().equals(name) && m.state() == ModuleState.COMING) {
                return m;
            }
        }
        return null;
    }

    /** The host's fault injection: a random RuntimeException or Error at one call in FAULT_ONE_IN. */
    private void maybeFault(String point) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (!faultsOn || point.startsWith("uninstall") || r.nextInt(FAULT_ONE_IN) != 0) {
            return;
        }
        String name = point.substring(point.indexOf(' ') + 1);
        if (point.startsWith("loadClass") || point.startsWith("start")) {
            KernelModule m = loading(name);
            Life l = m == null ? null : known(m);
            if (l != null) {
                l.faulted = true; // COMING was notified, init will not run
            }
        }
        count("fault." + point.substring(0, point.indexOf(' ')));
        String text = "injected fault at " + point;
        switch (r.nextInt(6)) {
            case 0 -> throw new IllegalStateException(text);
            case 1 -> throw new RuntimeException(text);
            case 2 -> throw new AssertionError(text);
            case 3 -> throw new NoClassDefFoundError(text);
            case 4 -> throw new OutOfMemoryError(text);
            default -> throw new StackOverflowError(text);
        }
    }

    /** Whether a failure comes from an injected fault (its message or cause says so). */
    private static boolean injected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("injected fault")) {
                return true;
            }
        }
        return false;
    }

    /** Fails the test, with every thread's stack, if no operation completes for STALL_SECONDS. */
    private void watch(List<Thread> workers) {
        long last = -1;
        long since = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            prune();
            long now = progress.get();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                StringBuilder dump = new StringBuilder("no progress for " + STALL_SECONDS + " s; all threads:\n");
                for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                    dump.append(ti);
                }
                System.err.println(dump);
                violation("watchdog: " + dump);
                stop.set(true);
                workers.forEach(Thread::interrupt);
                return;
            }
        }
    }
}
