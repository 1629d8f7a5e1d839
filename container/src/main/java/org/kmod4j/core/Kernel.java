package org.kmod4j.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ModuleRequester;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.core.srcu.SrcuStruct;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The container: the registry with its lock-free lookups, and the entry points of the load and
 * unload paths ({@link ModuleLoader}, {@link ModuleUnloader}). Depends on the JDK and the OSGi
 * core API only; the framework is reached through a {@link BundleHost}.
 */
public final class Kernel implements ModuleContainer {
    final BundleHost host;
    final SignaturePolicy signatures;
    final Executor executor;
    final ModuleRegistry registry = new ModuleRegistry();
    final NotifierChain notifiers;
    final TaintFlags taints = new TaintFlags();
    /** Loads of one file (inode): Linux idempotent_init_module. */
    final LoadMerger<KernelModule> fileMerger = new LoadMerger<>();
    /** Loads of one content (digest), from different files. */
    final LoadMerger<KernelModule> merger = new LoadMerger<>();
    private final LoadMerger<List<Module>> requests = new LoadMerger<>();
    private volatile ModuleRequester requester;
    /** Loads share, unloads exclude (seed 002: modprobe LOCK_SH, rmmod LOCK_EX); fair, so a
     *  waiting unload holds back new loads instead of starving. */
    final ReentrantReadWriteLock exclusion = new ReentrantReadWriteLock(true);
    private final KernelLog log;
    private final ModuleLoader loader;
    private volatile LeakDetector leaks;
    private volatile long initTimeoutMillis;
    private final ModuleUnloader unloader;
    private final ModuleReplacer replacer;

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
    }

    @Override
    public Module load(Path jar, LoadOptions options) {
        return loader.load(jar, options == null ? LoadOptions.defaults() : options);
    }

    @Override
    public Module replace(Path jar, LoadOptions options) {
        return replacer.replace(jar, options == null ? LoadOptions.defaults() : options);
    }

    @Override
    public void unload(String name, UnloadOptions options) {
        unloader.unload(name, options == null ? UnloadOptions.defaults() : options);
    }

    @Override
    public List<Module> requestModule(String nameOrAlias) {
        Objects.requireNonNull(nameOrAlias, "nameOrAlias");
        return requests.load(nameOrAlias, () -> {
            ModuleRequester r = requester;
            if (r != null) {
                return List.copyOf(r.request(nameOrAlias));
            }
            return List.of(find(nameOrAlias).orElseThrow(() -> new ModuleException(Errno.ENOENT,
                    "Module " + nameOrAlias + " not found (no modprobe service is registered)")));
        });
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
        try (ModuleManifest m = ModuleManifest.read(jar)) {
            return m;
        }
    }

    @Override
    public Set<Taint> taints() {
        return taints.get();
    }

    @Override
    public List<String> dmesg() {
        List<String> lines = new ArrayList<>();
        for (KernelLog.Entry e : log.entries()) {
            lines.add(e.toString());
        }
        return lines;
    }

    @Override
    public void clearDmesg() {
        log.clear();
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

    /** Stops the container's own threads (leak checks, bounded notifier calls); modules are left alone. */
    public void shutdown() {
        leakCheck(0);
        notifiers.close();
    }

    /** An init (activator start + Module-Init) that runs longer fails with ETIMEDOUT; 0 = no limit. */
    public void initTimeout(long millis) {
        this.initTimeoutMillis = millis;
    }

    long initTimeoutMillis() {
        return initTimeoutMillis;
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

    /** A warning: logged, and the container is tainted W. */
    void warn(String text) {
        taint(Taint.WARN, text);
    }

    SrcuStruct newDomain(String name, String owner) {
        return new SrcuStruct(name, owner, executor, log, taints);
    }
}
