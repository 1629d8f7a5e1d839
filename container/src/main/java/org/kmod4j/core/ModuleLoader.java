package org.kmod4j.core;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

/**
 * The load path: Linux {@code finit_module} → {@code load_module} → {@code do_init_module}.
 * A {@link LoadInfo} carries the load's working state down the path. Manifest and parameters
 * are checked before anything is installed; the name is reserved (UNFORMED) with the patient
 * duplicate check; install (indexed at once), resolve and the use links follow; then COMING
 * (domains, notifiers, init) and LIVE. The module mutex is taken only for the transitions
 * (reserve, index, link + COMING); nothing is held while notifiers or the init run (see
 * {@link Kernel}). Every failure, whatever it throws, unwinds to exactly the state before the
 * call: before COMING through {@link ModuleTeardown#unformed}, after it through
 * {@link ModuleTeardown#failedInit} or {@link ModuleTeardown#vetoed}.
 */
final class ModuleLoader {
    private final Kernel kernel;

    ModuleLoader(Kernel kernel) {
        this.kernel = kernel;
    }

    /**
     * Two merge layers, as Linux: concurrent loads of the same file (its inode, size and mtime,
     * with the same options) share one load before anything is read, the way
     * {@code idempotent_init_module} keys on the inode; inside, loads of different files with the
     * same content share one load by digest.
     */
    KernelModule load(Path jar, LoadOptions options) {
        Objects.requireNonNull(jar, "jar");
        LoadInfo info = new LoadInfo(jar, options);
        kernel.waits.enter(info);
        try {
            String identity = fileIdentity(jar, options);
            if (identity == null) {
                return readAndLoad(info); // reading reports the proper error
            }
            return kernel.fileMerger.load(identity, info, () -> readAndLoad(info),
                    () -> deadlock(info, "a load of this file is waiting for this caller"));
        } finally {
            kernel.waits.leave(info);
        }
    }

    private KernelModule readAndLoad(LoadInfo info) {
        try (ModuleManifest manifest = ModuleManifest.read(info.jar, kernel.copies)) {
            info.manifest = manifest;
            info.params = ModuleParameters.resolve(manifest, info.options.parameters());
            info.permanent = info.options.permanent() || manifest.permanent();
            String key = manifest.digest() + '|' + info.permanent + '|' + info.options.parameters();
            return kernel.merger.load(key, info, () -> loadVerified(info),
                    () -> deadlock(info, "a load of the same content is waiting for this caller"));
        }
    }

    private static String fileIdentity(Path jar, LoadOptions options) {
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            if (!a.isRegularFile() || a.fileKey() == null) {
                return null;
            }
            return a.fileKey() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + options.permanent() + "|" + options.parameters();
        } catch (IOException e) {
            return null;
        }
    }

    private KernelModule loadVerified(LoadInfo info) {
        info.verdict = checkSignature(info.manifest);
        KernelModule mod = loadModule(info);
        if (!info.verdict.trusted && kernel.signatures.checks()) {
            mod.taint(Taint.UNSIGNED_MODULE);
            kernel.taint(Taint.UNSIGNED_MODULE, mod.name() + ": module verification failed: signature and/or required key missing ("
                    + info.verdict.reason + ") - tainting kernel");
        }
        return mod;
    }

    ModuleSignature.Verdict checkSignature(ModuleManifest manifest) {
        if (!kernel.signatures.checks()) {
            return new ModuleSignature.Verdict(false, "", "not checked");
        }
        ModuleSignature.Verdict v = ModuleSignature.verify(manifest, kernel.signatures);
        if (!v.trusted && kernel.signatures.enforce()) {
            throw ModuleSignature.rejected(manifest, v.reason);
        }
        return v;
    }

    private KernelModule loadModule(LoadInfo info) {
        info.span = kernel.log().loadStarted();
        KernelModule mod = new KernelModule(kernel, info);
        info.mod = mod;
        mod.signer(info.verdict.signer);
        addUnformed(info);
        formAndCome(info);
        initOrTearDown(info);
        try {
            mod.state(ModuleState.LIVE);
            kernel.notifiers.live(mod);
            mod.refs().putInit();
            kernel.log().loaded(mod, mod.name() + ": loaded" + (mod.parameters().isEmpty() ? "" : " " + mod.parameters())
                    + (info.permanent ? " (permanent)" : ""), info.span);
        } finally {
            mod.finishLoading();
        }
        return mod;
    }

    /**
     * From a reserved (UNFORMED) entry to COMING with the notifiers told; on any failure the
     * module is torn down (unformed, or vetoed) and the load's error thrown. Shared with
     * {@link ModuleReplacer}.
     */
    void formAndCome(LoadInfo info) {
        KernelModule mod = info.mod;
        try {
            form(info);
        } catch (Throwable t) {
            ModuleTeardown.unformed(kernel, mod);
            ModuleException e = failure(mod, t);
            kernel.log().loadFailed(mod.name(), e.errno(), mod.name() + ": " + e.getMessage());
            throw e;
        }
        try {
            kernel.notifiers.coming(mod);
        } catch (Throwable t) {
            // Linux: no second GOING broadcast after a veto; the chain already rolled back
            ModuleException veto = failure(mod, t);
            mod.state(ModuleState.GOING);
            ModuleTeardown.vetoed(kernel, mod);
            throw new ModuleException(veto.errno(), insertError(mod, veto.errno()) + " (vetoed: " + veto.getMessage() + ")",
                    DetachedThrowable.of(veto));
        }
    }

    /** The init; if it fails (whatever it throws), do_init_module's fail path and the load's error. */
    void initOrTearDown(LoadInfo info) {
        KernelModule mod = info.mod;
        try {
            init(info);
        } catch (Throwable t) {
            ModuleException e = failure(mod, t);
            kernel.log().initFailed(mod.name(), e.errno(), mod.name() + ": init failed: " + e.errno() + " " + e.getMessage());
            kernel.log().trace(mod.name(), e.getCause() != null ? e.getCause() : e, TRACE_FRAMES);
            mod.state(ModuleState.GOING);
            ModuleTeardown.failedInit(kernel, mod);
            throw e;
        }
    }

    /** How many of a failed init's own frames dmesg shows (per exception in its cause chain). */
    private static final int TRACE_FRAMES = 20;

    /** What a load fails with: a ModuleException as is, anything else as EIO with a detached copy. */
    static ModuleException failure(KernelModule mod, Throwable t) {
        if (t instanceof ModuleException) {
            return (ModuleException) t;
        }
        return new ModuleException(Errno.EIO, insertError(mod, Errno.EIO) + " (" + t + ")", DetachedThrowable.of(t));
    }

    /** Linux {@code add_unformed_module} with {@code module_patient_check_exists}. */
    private void addUnformed(LoadInfo info) {
        KernelModule mod = info.mod;
        KernelModule old = kernel.registry.reserve(mod, eintr(mod));
        if (old == null) {
            return;
        }
        LoadInfo loading = old.loading();
        ModuleState s = old.state();
        if (loading == null || (s != ModuleState.UNFORMED && s != ModuleState.COMING)) {
            throw duplicate(mod, old);
        }
        if (!kernel.waits.beginWait(loading)) {
            throw deadlock(info, mod.name() + " loads itself from its own init");
        }
        try {
            loading.awaitFinished(-1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw eintr(mod).get();
        } finally {
            kernel.waits.endWait();
        }
        // never retry: "Do not try to load it again right now"
        KernelModule now = kernel.registry.snapshot().entry(mod.name());
        throw duplicate(mod, now == null ? old : now);
    }

    private ModuleException duplicate(KernelModule mod, KernelModule old) {
        if (old.state() == ModuleState.LIVE) {
            return new ModuleException(Errno.EEXIST, insertError(mod, Errno.EEXIST) + " (module " + mod.name() + " is already loaded)");
        }
        String why = old.state() == ModuleState.GOING ? "is being unloaded" : "failed to load";
        return new ModuleException(Errno.EBUSY, insertError(mod, Errno.EBUSY) + " (module " + mod.name() + " " + why + ")");
    }

    /** Install (indexed at once under the mutex), resolve, then the use links and COMING. */
    private void form(LoadInfo info) {
        KernelModule mod = info.mod;
        kernel.registry.installing(mod, eintr(mod));
        KernelModule replaced = mod.replaces();
        BundleHost.Hosted hosted = null;
        try {
            // a replacement is installed beside the instance it replaces, never wired to it
            hosted = replaced == null ? kernel.host.install(mod.manifest())
                    : info.shunned.isEmpty() ? kernel.host.install(mod.manifest(), replaced.bundle())
                    : kernel.host.install(mod.manifest(), replaced.bundle(), info.shunned);
        } finally {
            kernel.registry.installed(mod, hosted);
        }
        hosted.resolve();
        mod.classLoader(hosted.classLoader());
        mod.packages(hosted.packages());
        info.providers = Set.copyOf(hosted.providers());
        new ProviderLinks(info).linkAndCome();
    }

    /**
     * Linux {@code resolve_symbol_wait} + {@code ref_module}: every module this one is wired to
     * gets a use link holding a reference. A provider still loading (UNFORMED or COMING) is
     * waited for, outside the mutex, up to {@link Kernel#providerWaitMillis} in all, then EBUSY;
     * one that failed while we waited gives ENOENT. A provider bundle not in the registry while
     * some module's install is still being indexed is waited for the same way.
     */
    private final class ProviderLinks {
        private final LoadInfo info;
        private final KernelModule mod;
        private final long deadline;
        /** Providers waited for, by bundle id: if one is gone afterwards, it failed. */
        private final Map<Long, KernelModule> awaited = new HashMap<>();
        /**
         * Installs are waited for once: a provider was installed before this module resolved,
         * so it is among the installs in flight at the first look, or already indexed.
         */
        private boolean installsAwaited;

        ProviderLinks(LoadInfo info) {
            this.info = info;
            this.mod = info.mod;
            this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(kernel.providerWaitMillis());
        }

        void linkAndCome() {
            for (;;) {
                KernelModule loading = kernel.registry.locked(this::linkOrFindLoading, eintr(mod));
                if (loading == null) {
                    return;
                }
                await(loading);
            }
        }

        /** Under the mutex: links every provider and turns COMING, or returns one still loading. */
        private KernelModule linkOrFindLoading() {
            RegistrySnapshot snap = kernel.registry.snapshot();
            boolean unknown = false;
            for (long id : info.providers) {
                KernelModule target = snap.byBundleId(id);
                if (target == mod) {
                    continue;
                }
                if (target == null) {
                    KernelModule gone = awaited.get(id);
                    if (gone != null) {
                        throw new ModuleException(Errno.ENOENT, insertError(mod, Errno.ENOENT) + " (module " + gone.name()
                                + " it uses failed to load)");
                    }
                    unknown = true;
                    continue;
                }
                ModuleState s = target.state();
                // a cascade's new instance is COMING until the cascade's switch: its init already ran
                if ((s == ModuleState.UNFORMED || s == ModuleState.COMING) && !info.cascade.contains(target)) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new ModuleException(Errno.EBUSY, insertError(mod, Errno.EBUSY) + " (module " + target.name()
                                + " it uses is still " + s.initstate() + ")");
                    }
                    return target;
                }
            }
            if (unknown && awaitInstalls()) {
                return linkOrFindLoading();
            }
            for (long id : info.providers) {
                KernelModule target = snap.byBundleId(id);
                if (target == null || target == mod) {
                    continue;
                }
                if (!target.tryGet()) { // GOING: Linux strong_try_module_get
                    throw new ModuleException(Errno.ENOENT, insertError(mod, Errno.ENOENT) + " (module " + target.name()
                            + " it uses is " + target.state().initstate() + ")");
                }
                mod.addUse(target);
            }
            mod.createDomains();
            mod.context(new KernelModuleContext(kernel, mod));
            mod.state(ModuleState.COMING);
            kernel.registry.publish(snap.reindexed());
            return null;
        }

        /** An unknown provider may be a module whose install is not indexed yet: wait for those. */
        private boolean awaitInstalls() {
            if (installsAwaited) {
                return false;
            }
            installsAwaited = true;
            Set<KernelModule> inFlight = kernel.registry.installsInFlight(mod);
            if (inFlight.isEmpty()) {
                return false;
            }
            try {
                if (!kernel.registry.awaitInstalls(inFlight, deadline)) {
                    throw new ModuleException(Errno.EBUSY, insertError(mod, Errno.EBUSY)
                            + " (a module it may use is still being installed)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw eintr(mod).get();
            }
            return true;
        }

        /** Waits, holding nothing, for a provider's load to finish or the deadline. */
        private void await(KernelModule target) {
            LoadInfo l = target.loading();
            if (l == null) {
                return;
            }
            awaited.put(target.bundle().getBundleId(), target);
            if (!kernel.waits.beginWait(l)) {
                throw deadlock(info, "module " + target.name() + " it uses is waiting for this load");
            }
            try {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !l.awaitFinished(left)) {
                    kernel.log().warn(mod.name() + ": gave up waiting for init of module " + target.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw eintr(mod).get();
            } finally {
                kernel.waits.endWait();
            }
        }
    }

    /** The bundle's activation, then its Module-Init. */
    private void init(LoadInfo info) throws Throwable {
        KernelModule mod = info.mod;
        BundleHost.Hosted hosted = mod.hosted();
        ModuleInit init = mod.manifest().initClass() == null ? null : instantiate(mod, hosted);
        long timeout = kernel.initTimeoutMillis();
        if (timeout <= 0) {
            runInit(mod, hosted, init);
            return;
        }
        // a bounded init runs on its own thread, so the loader can give up on it; that thread
        // acts for this load in the deadlock checks
        List<WaitGraph.Node> actingFor = kernel.waits.actingFor();
        FutureTask<Void> task = new FutureTask<>(() -> {
            kernel.waits.enterAll(actingFor);
            try {
                runInit(mod, hosted, init);
            } finally {
                kernel.waits.leaveAll(actingFor);
            }
            return null;
        });
        Thread thread = new Thread(task, "kmod4j-init-" + mod.name());
        thread.setDaemon(true);
        thread.start();
        try {
            task.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            kernel.warn(mod.name() + ": init did not finish in " + timeout + " ms; its thread " + thread.getName() + " is abandoned");
            throw new ModuleException(Errno.ETIMEDOUT, insertError(mod, Errno.ETIMEDOUT) + " (init did not finish in " + timeout + " ms)");
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, insertError(mod, Errno.EINTR));
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private static void runInit(KernelModule mod, BundleHost.Hosted hosted, ModuleInit init) {
        try {
            hosted.start();
            if (init != null) {
                mod.moduleInit(init);
                init.init(mod.context());
            }
        } catch (Throwable t) {
            throw initError(mod, t);
        }
    }

    private ModuleInit instantiate(KernelModule mod, BundleHost.Hosted hosted) {
        String initClass = mod.manifest().initClass();
        Class<?> type;
        try {
            type = hosted.loadClass(initClass);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ModuleException(Errno.ENOEXEC, insertError(mod, Errno.ENOEXEC) + " (Module-Init class " + initClass + " not found: " + e + ")");
        }
        if (!ModuleInit.class.isAssignableFrom(type)) {
            throw new ModuleException(Errno.ENOEXEC, insertError(mod, Errno.ENOEXEC) + " (Module-Init class " + initClass
                    + " does not implement " + ModuleInit.class.getName() + ")");
        }
        try {
            return (ModuleInit) type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw initError(mod, e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ModuleException(Errno.ENOEXEC, insertError(mod, Errno.ENOEXEC) + " (Module-Init class " + initClass
                    + " cannot be instantiated: " + e + ")");
        }
    }

    private static ModuleException initError(KernelModule mod, Throwable t) {
        boolean coded = t instanceof ModuleException;
        Errno errno = coded ? ((ModuleException) t).errno() : Errno.EIO;
        return new ModuleException(errno, insertError(mod, errno) + " (init failed: " + (coded ? t.getMessage() : t) + ")",
                DetachedThrowable.of(t));
    }

    private static ModuleException deadlock(LoadInfo info, String why) {
        return new ModuleException(Errno.EDEADLK, KmodWording.insertError(info.filename(), Errno.EDEADLK) + " (" + why + ")");
    }

    static Supplier<ModuleException> eintr(KernelModule mod) {
        return () -> new ModuleException(Errno.EINTR, insertError(mod, Errno.EINTR));
    }

    static String insertError(KernelModule mod, Errno errno) {
        return KmodWording.insertError(mod.filename(), errno);
    }
}
