package org.kmod4j.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ModuleRequester;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.core.srcu.SrcuStruct;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The container: the registry with its lock-free lookups, and the entry points of the load and
 * unload paths ({@link ModuleLoader}, {@link ModuleUnloader}). Depends on the JDK and the OSGi
 * core API only; the framework is reached through a {@link BundleHost}.
 *
 * <pre>
 * Locking rules (the whole core; read before changing any of it).
 *
 * What is held when module code runs: nothing. Module code is a Bundle-Activator, a
 * Module-Init's init and exit, a notifier, an SRCU callback, a guarded service; the container
 * holds no lock of its own (module mutex, merge entry, wait-graph monitor) while it runs any of
 * them, nor while it waits for a grace period, a barrier, a merged load or a provider. So module
 * code may call back into the container (load, unload, requestModule, synchronize) from
 * anywhere, on any thread.
 *
 * Module mutex (ModuleRegistry; Linux module_mutex). Held only for state transitions: reserve a
 * name (UNFORMED), index an installed bundle, link to providers + COMING, the unload's checks +
 * GOING, removal from the registry. Never across module code, a host call or a wait (its one
 * condition wait, for installs to be indexed, releases it). There is no load/unload exclusion
 * beyond it: a load and an unload meet only in these transitions, where the refcount and the
 * use links decide (a module with holders or references is not removed; a GOING provider is
 * not linked), as Linux decides them under module_mutex.
 *
 * Replace (ModuleReplacer) adds no lock: the new instance is reserved beside the LIVE one,
 * out of the by-name index, and loads as any module; its last transition moves the name and
 * releases the old instance's base reference, then the old one goes GOING and unloads. While a
 * replace runs, rmmod of the name is EBUSY and a second replace EBUSY. A cascade replace
 * (CascadeReplacer) reserves the new instances of a module and of its holders in one
 * transition and switches them all in one; in between each loads as any module.
 *
 * Lock-free: lookups (one volatile read of the registry snapshot), state, references
 * (ModuleRefcount), SRCU readers. Leaf monitors, held for a few field updates and never
 * around a call out: the notifier chain's registration, a module context's lists, the wait
 * graph. Nothing takes a lock while holding a leaf.
 *
 * Waits and self-waits. Every wait of the load path is on a load in flight: a merged load
 * (same file, same content), a same-name load, a provider still UNFORMED or COMING (bounded by
 * providerWaitMillis, then EBUSY). Each registers in the WaitGraph first; a wait that would
 * close a cycle (an init loading its own jar, two inits loading each other) fails with EDEADLK.
 * A bounded init runs on its own thread, which acts for its load in those checks. An unload
 * waits for grace periods and barriers with nothing held; one called from inside a read section
 * or an SRCU callback of the module's own domains would wait for itself and fails with EDEADLK
 * before GOING (SrcuStruct refuses synchronize and barrier from its own read sections alike).
 *
 * Faults. Every Throwable between UNFORMED and LIVE unwinds through one teardown
 * (ModuleTeardown), so no module is left UNFORMED, COMING or GOING after its operation
 * returned, and same-name waiters are always woken. A context released after GOING (or after
 * an abandoned init) refuses everything.
 * </pre>
 */
public final class Kernel implements ModuleContainer {
    final BundleHost host;
    final SignaturePolicy signatures;
    final Executor executor;
    final ModuleRegistry registry = new ModuleRegistry();
    final NotifierChain notifiers;
    final TaintFlags taints = new TaintFlags();
    /** Who waits for which load or request: refuses self-waits with EDEADLK. */
    final WaitGraph waits = new WaitGraph();
    /** Loads of one file (inode): Linux idempotent_init_module. */
    final LoadMerger<KernelModule> fileMerger = new LoadMerger<>(waits);
    /** Loads of one content (digest), from different files. */
    final LoadMerger<KernelModule> merger = new LoadMerger<>(waits);
    private final LoadMerger<List<Module>> requests = new LoadMerger<>(waits);
    private volatile ModuleRequester requester;
    /** Linux waits 30 s for the init of a module a loading module needs. */
    private volatile long providerWaitMillis = 30_000;
    private final KernelLog log;
    private final ModuleLoader loader;
    private volatile LeakDetector leaks;
    private volatile long initTimeoutMillis;
    /** Where loads keep their private copies of the jars. */
    volatile PrivateCopies copies = PrivateCopies.temporary();
    private final ModuleUnloader unloader;
    private final ModuleReplacer replacer;
    private final CascadeReplacer cascadeReplacer;

    /**
     * @param host the framework
     * @param executor runs SRCU callbacks and their grace periods
     * @param log the kernel log (dmesg)
     */
    public Kernel(BundleHost host, Executor executor, KernelLog log) {
        this(host, executor, log, SignaturePolicy.disabled());
    }

    /** @param signatures whether and against what module jars' signatures are checked */
    public Kernel(BundleHost host, Executor executor, KernelLog log, SignaturePolicy signatures) {
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.host = Objects.requireNonNull(host, "host");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.log = Objects.requireNonNull(log, "log");
        this.notifiers = new NotifierChain(log);
        this.loader = new ModuleLoader(this);
        this.unloader = new ModuleUnloader(this);
        this.replacer = new ModuleReplacer(this, loader);
        this.cascadeReplacer = new CascadeReplacer(this, loader, replacer);
    }

    @Override
    public Module load(Path jar, LoadOptions options) {
        return loader.load(jar, options == null ? LoadOptions.defaults() : options);
    }

    @Override
    public Module replace(Path jar, LoadOptions options, ReplaceOptions replace) {
        LoadOptions o = options == null ? LoadOptions.defaults() : options;
        if (replace != null && replace.cascade()) {
            return cascadeReplacer.replace(jar, o);
        }
        return replacer.replace(jar, o);
    }

    @Override
    public void unload(String name, UnloadOptions options) {
        unloader.unload(name, options == null ? UnloadOptions.defaults() : options);
    }

    @Override
    public List<Module> requestModule(String nameOrAlias) {
        Objects.requireNonNull(nameOrAlias, "nameOrAlias");
        WaitGraph.Node request = new WaitGraph.Node();
        waits.enter(request);
        try {
            return requests.load(nameOrAlias, request, () -> {
                ModuleRequester r = requester;
                if (r != null) {
                    return List.copyOf(r.request(nameOrAlias));
                }
                return List.of(find(nameOrAlias).orElseThrow(() -> new ModuleException(Errno.ENOENT,
                        "Module " + nameOrAlias + " not found (no modprobe service is registered)")));
            }, () -> new ModuleException(Errno.EDEADLK, "request_module: " + nameOrAlias
                    + ": a request of this name is waiting for this caller"));
        } finally {
            waits.leave(request);
        }
    }

    /** The modprobe behind {@link #requestModule}; null for none. The adapter tracks the service. */
    public void requester(ModuleRequester r) {
        this.requester = r;
    }

    @Override
    public <T> T service(BundleContext consumer, Class<T> type, String filter, Duration wait) {
        return GuardedProxyClasses.newProxy(type, follow(consumer, type, filter, wait));
    }

    /** A started follower of the services of {@code type} that {@code consumer} sees. */
    ServiceFollower follow(BundleContext consumer, Class<?> type, String filter, Duration wait) {
        Objects.requireNonNull(consumer, "consumer");
        GuardedProxyClasses.check(type);
        long waitMillis = wait == null || wait.isNegative() ? 0 : wait.toMillis();
        String what = type.getName() + (filter == null ? "" : " " + filter);
        ServiceFollower follower = new ServiceFollower(this, what, waitMillis);
        try {
            follower.tracking(host.followServices(consumer, type, filter, follower));
        } catch (RuntimeException | Error e) {
            follower.close();
            throw e;
        }
        return follower;
    }

    @Override
    public Optional<Module> find(String name) {
        return formed(registry.snapshot().entry(name));
    }

    @Override
    public Optional<Module> find(Bundle bundle) {
        return bundle == null ? Optional.empty() : formed(registry.snapshot().byBundleId(bundle.getBundleId()));
    }

    @Override
    public Optional<Module> find(Class<?> type) {
        return type == null ? Optional.empty() : find(type.getClassLoader());
    }

    @Override
    public Optional<Module> findByClassName(String className) {
        return className == null ? Optional.empty() : formed(registry.snapshot().byClassName(className));
    }

    @Override
    public Optional<Module> find(ClassLoader loader) {
        return loader == null ? Optional.empty() : formed(registry.snapshot().byLoader(loader));
    }

    private static Optional<Module> formed(KernelModule m) {
        return m == null || m.state() == ModuleState.UNFORMED ? Optional.empty() : Optional.of(m);
    }

    @Override
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        for (KernelModule m : registry.snapshot().modules) {
            if (m.state() != ModuleState.UNFORMED) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public ModuleInfo inspect(Path jar) {
        try (ModuleManifest m = ModuleManifest.read(jar, copies)) {
            return ModuleRequirements.withDepends(m, ModuleRequirements.depends(this, m));
        }
    }

    @Override
    public Set<Taint> taints() {
        return taints.get();
    }

    @Override
    public List<String> dmesg() {
        List<String> lines = new ArrayList<>();
        for (KernelEvent e : log.entries()) {
            if (e.level() != ModuleEvent.Level.DEBUG) {
                lines.add(e.dmesgLine());
            }
        }
        return lines;
    }

    @Override
    public List<ModuleEvent> events(long fromSequence) {
        return List.copyOf(log.entries(fromSequence));
    }

    @Override
    public AutoCloseable follow(long fromSequence, ModuleEventListener listener) {
        return log.follow(fromSequence, Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public ModuleEvent deployAction(String module, String text, Errno errno) {
        return log.publish(new KernelEvent.Draft(ModuleEvent.Type.DEPLOY, errno == null ? ModuleEvent.Level.INFO : ModuleEvent.Level.ERR,
                "deploy: " + text).module(module).errno(errno));
    }

    @Override
    public List<ModuleEvent> clearDmesg() {
        return List.copyOf(log.clear());
    }

    /**
     * Reports modules whose class loader outlives their unload, checked {@code delayMillis}
     * after each unload; 0 turns it off.
     */
    public synchronized void leakCheck(long delayMillis) {
        if (leaks != null) {
            leaks.close();
        }
        leaks = delayMillis > 0 ? new LeakDetector(this, delayMillis) : null;
    }

    public LeakDetector leakDetector() {
        return leaks;
    }

    /**
     * Stops the container's own threads (leak checks, bounded notifier calls) and removes its
     * private copies; modules are left alone.
     */
    public void shutdown() {
        leakCheck(0);
        notifiers.close();
        copies.close();
    }

    /**
     * Keeps the private copies of loading jars in {@code dir} (created 0700, emptied now and
     * removed at {@link #shutdown()}) instead of a temporary directory: a container's state
     * directory is its own, the shared temporary folder is not.
     */
    public void privateCopies(Path dir) {
        PrivateCopies old = copies;
        copies = new PrivateCopies(dir);
        old.close();
        copies.removeDirectory(); // what a killed run left
    }

    /**
     * The framework stopped, unresolved or uninstalled this bundle, and the container did not ask
     * it to: a LIVE module on it is unloaded ({@link ModuleWithdrawal}).
     * @param what what happened, for dmesg ("stopped", "uninstalled", …)
     * @return whether a LIVE module was withdrawn
     */
    public boolean bundleWithdrawn(Bundle bundle, String what) {
        return bundle != null && ModuleWithdrawal.withdraw(this, bundle.getBundleId(), what);
    }

    /** An init (activator start + Module-Init) that runs longer fails with ETIMEDOUT; 0 = no limit. */
    public void initTimeout(long millis) {
        this.initTimeoutMillis = millis;
    }

    long initTimeoutMillis() {
        return initTimeoutMillis;
    }

    /** How long a load waits for a module it uses that is still UNFORMED or COMING (30 s, as Linux). */
    void providerWaitMillis(long millis) {
        this.providerWaitMillis = millis;
    }

    long providerWaitMillis() {
        return providerWaitMillis;
    }

    void freed(KernelModule mod, ClassLoader loader) {
        LeakDetector l = leaks;
        if (l != null) {
            l.track(mod.name(), loader);
        }
    }

    /** The notifier chain; the framework adapter feeds it from the service registry. */
    public NotifierChain notifiers() {
        return notifiers;
    }

    public KernelLog log() {
        return log;
    }

    /** Adds a taint, logging it the first time. */
    void taint(Taint t, String why) {
        taints.add(t, why, log);
    }

    /** Taints W with an event that says why. */
    void taint(KernelEvent.Draft why) {
        taints.add(Taint.WARN, why, log);
    }

    /** A warning: logged, and the container is tainted W. */
    void warn(String text) {
        taint(Taint.WARN, text);
    }

    SrcuStruct newDomain(String name, String owner) {
        return new SrcuStruct(name, owner, executor, log, taints);
    }
}
