package org.kmod4j.core;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

/**
 * The load path: Linux {@code finit_module} → {@code load_module} → {@code do_init_module}.
 * Manifest and parameters are checked before anything is installed; the name is reserved
 * (UNFORMED) under the module mutex with the patient duplicate check; install, resolve and the
 * use links follow; then COMING (domains, notifiers, init) and LIVE. Every failure unwinds to
 * exactly the state before the call.
 */
final class ModuleLoader {
    private final Kernel kernel;
    /** Linux waits 30 s for the init of a module a loading module needs. */
    static final long PROVIDER_WAIT_MILLIS = 30_000;

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
        String identity = fileIdentity(jar, options);
        if (identity == null) {
            return readAndLoad(jar, options); // reading reports the proper error
        }
        return kernel.fileMerger.load(identity, () -> readAndLoad(jar, options));
    }

    private KernelModule readAndLoad(Path jar, LoadOptions options) {
        try (ModuleManifest manifest = ModuleManifest.read(jar)) {
            return load(manifest, options);
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

    private KernelModule load(ModuleManifest manifest, LoadOptions options) {
        Map<String, String> params = ModuleParameters.resolve(manifest, options.parameters());
        boolean permanent = options.permanent() || manifest.permanent();
        String key = manifest.digest() + '|' + permanent + '|' + options.parameters();
        return kernel.merger.load(key, () -> {
            ModuleSignature.Verdict verdict = checkSignature(manifest);
            KernelModule mod = loadShared(manifest, params, permanent, verdict);
            if (!verdict.trusted && kernel.signatures.checks()) {
                mod.taint(Taint.UNSIGNED_MODULE);
                kernel.taint(Taint.UNSIGNED_MODULE, mod.name() + ": module verification failed: signature and/or required key missing ("
                        + verdict.reason + ") - tainting kernel");
            }
            return mod;
        });
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

    /** Takes the exclusion lock shared (loads and replaces share, unloads exclude); EINTR if interrupted. */
    Lock lockShared(ModuleManifest manifest) {
        Lock shared = kernel.exclusion.readLock();
        try {
            shared.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, KmodWording.insertError(manifest.filename(), Errno.EINTR));
        }
        return shared;
    }

    private KernelModule loadShared(ModuleManifest manifest, Map<String, String> params, boolean permanent,
            ModuleSignature.Verdict verdict) {
        Lock shared = lockShared(manifest);
        try {
            return loadModule(manifest, params, permanent, verdict.signer);
        } finally {
            shared.unlock();
        }
    }

    private KernelModule loadModule(ModuleManifest manifest, Map<String, String> params, boolean permanent, String signer) {
        KernelModule mod = new KernelModule(kernel, manifest, params, permanent);
        mod.signer(signer);
        addUnformed(mod);
        try {
            form(mod);
        } catch (RuntimeException | Error e) {
            ModuleTeardown.free(kernel, mod);
            throw e;
        }
        coming(mod);
        try {
            init(mod);
        } catch (ModuleException e) {
            initFailed(mod, e);
            throw e;
        }
        mod.state(ModuleState.LIVE);
        kernel.notifiers.live(mod);
        mod.refcounter().putInit();
        kernel.log().info(mod.name() + ": loaded" + (mod.parameters().isEmpty() ? "" : " " + mod.parameters())
                + (permanent ? " (permanent)" : ""));
        mod.finishLoading();
        return mod;
    }

    /** COMING to the notifiers; a veto frees the module and is rethrown as the load's error. */
    void coming(KernelModule mod) {
        try {
            kernel.notifiers.coming(mod);
        } catch (ModuleException veto) {
            // Linux: no second GOING broadcast after a veto; the chain already rolled back
            mod.state(ModuleState.GOING);
            ModuleTeardown.drainAndFree(kernel, mod, false, false);
            throw new ModuleException(veto.errno(), insertError(mod, veto.errno()) + " (vetoed: " + veto.getMessage() + ")",
                    DetachedThrowable.of(veto));
        }
    }

    /** Linux {@code add_unformed_module} with {@code module_patient_check_exists}. */
    private void addUnformed(KernelModule mod) {
        KernelModule old;
        lockMutex(mod);
        try {
            old = kernel.registry.snapshot().entry(mod.name());
            if (old == null) {
                kernel.registry.publish(kernel.registry.snapshot().with(mod));
                return;
            }
            ModuleState s = old.state();
            if (s != ModuleState.UNFORMED && s != ModuleState.COMING) {
                throw duplicate(mod, old);
            }
            if (old.loaderThread() == Thread.currentThread()) {
                throw new ModuleException(Errno.EDEADLK, insertError(mod, Errno.EDEADLK) + " (" + mod.name() + " loads itself from its own init)");
            }
        } finally {
            kernel.registry.mutex.unlock();
        }
        try {
            old.awaitLoaded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, insertError(mod, Errno.EINTR));
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

    /** Install, resolve, use links, then COMING with the module's domains. */
    void form(KernelModule mod) {
        KernelModule replaced = mod.replaces();
        BundleHost.Hosted hosted = replaced == null ? kernel.host.install(mod.manifest())
                : kernel.host.install(mod.manifest(), replaced.bundle());
        mod.hosted(hosted);
        hosted.resolve();
        mod.classLoader(hosted.classLoader());
        mod.packages(hosted.packages());
        awaitComingProviders(mod, hosted);
        lockMutex(mod);
        try {
            RegistrySnapshot snap = kernel.registry.snapshot();
            for (long id : hosted.providers()) {
                KernelModule target = snap.byBundleId(id);
                if (target == null || target == mod) {
                    continue;
                }
                // Linux ref_module → strong_try_module_get: each use link holds a reference
                ModuleState targetState = target.state();
                if (targetState == ModuleState.COMING || !target.tryGet()) {
                    Errno errno = targetState == ModuleState.COMING ? Errno.EBUSY : Errno.ENOENT;
                    throw new ModuleException(errno, insertError(mod, errno) + " (module " + target.name()
                            + " it uses is " + target.state().initstate() + ")");
                }
                mod.addUse(target);
            }
            mod.createDomains();
            mod.context(new KernelModuleContext(kernel, mod));
            mod.state(ModuleState.COMING);
            kernel.registry.publish(snap.reindexed());
        } finally {
            kernel.registry.mutex.unlock();
        }
    }

    /**
     * Linux {@code resolve_symbol_wait}: a module this one uses that is still in its init is
     * waited for, up to {@link #PROVIDER_WAIT_MILLIS}, before the use link is made.
     */
    private void awaitComingProviders(KernelModule mod, BundleHost.Hosted hosted) {
        RegistrySnapshot snap = kernel.registry.snapshot();
        for (long id : hosted.providers()) {
            KernelModule target = snap.byBundleId(id);
            if (target == null || target == mod || target.state() != ModuleState.COMING) {
                continue;
            }
            try {
                if (!target.awaitLoaded(PROVIDER_WAIT_MILLIS)) {
                    kernel.log().warn(mod.name() + ": gave up waiting for init of module " + target.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModuleException(Errno.EINTR, insertError(mod, Errno.EINTR));
            }
        }
    }

    /** The bundle's activation, then its Module-Init. */
    void init(KernelModule mod) {
        BundleHost.Hosted hosted = mod.hosted();
        ModuleInit init = mod.manifest().initClass() == null ? null : instantiate(mod, hosted);
        long timeout = kernel.initTimeoutMillis();
        if (timeout <= 0) {
            runInit(mod, hosted, init);
            return;
        }
        // a bounded init runs on its own thread, so the loader can give up on it
        FutureTask<Void> task = new FutureTask<>(() -> {
            runInit(mod, hosted, init);
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
            throw (ModuleException) e.getCause(); // runInit throws only ModuleException
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

    /** Linux do_init_module's {@code fail:} path; the exit is not called. */
    void initFailed(KernelModule mod, ModuleException e) {
        kernel.log().error(mod.name() + ": init failed: " + e.errno() + " " + e.getMessage());
        mod.state(ModuleState.GOING);
        ModuleTeardown.drainAndFree(kernel, mod, false, true);
    }

    void lockMutex(KernelModule mod) {
        try {
            kernel.registry.mutex.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Errno.EINTR, insertError(mod, Errno.EINTR));
        }
    }

    static String insertError(KernelModule mod, Errno errno) {
        return KmodWording.insertError(mod.filename(), errno);
    }
}
