package org.kmod4j.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

/**
 * Replace as one operation: the new instance goes UNFORMED → COMING → init while the old one
 * stays LIVE and keeps its name; on success, under the module mutex, the name moves to the new
 * instance and it goes LIVE (so {@link ServiceFollower}s move to it), then the old one goes GOING
 * and down the unload path (grace period: calls in flight finish on the old code; exit;
 * barrier; free). A failed init or a COMING veto frees the new instance and leaves the old one
 * exactly as it was. Refused, as rmmod would refuse the old one, while modules hold it (they are
 * wired to its bundle and would keep the old code) or references are held on it.
 */
final class ModuleReplacer {
    private final Kernel kernel;
    private final ModuleLoader loader;

    ModuleReplacer(Kernel kernel, ModuleLoader loader) {
        this.kernel = kernel;
        this.loader = loader;
    }

    KernelModule replace(Path jar, LoadOptions options) {
        Objects.requireNonNull(jar, "jar");
        if (kernel.exclusion.getReadHoldCount() > 0) {
            throw new ModuleException(Errno.EDEADLK, KmodWording.insertError(jar.getFileName().toString(), Errno.EDEADLK)
                    + " (replace called from inside a module load)");
        }
        try (ModuleManifest manifest = ModuleManifest.read(jar)) {
            Map<String, String> params = ModuleParameters.resolve(manifest, options.parameters());
            boolean permanent = options.permanent() || manifest.permanent();
            ModuleSignature.Verdict verdict = loader.checkSignature(manifest);
            Lock shared = loader.lockShared(manifest);
            try {
                KernelModule mod = new KernelModule(kernel, manifest, params, permanent);
                mod.signer(verdict.signer);
                KernelModule replaced = replace(mod);
                if (!verdict.trusted && kernel.signatures.checks()) { // as a load does
                    mod.taint(Taint.UNSIGNED_MODULE);
                    kernel.taint(Taint.UNSIGNED_MODULE, mod.name() + ": module verification failed: signature and/or required key"
                            + " missing (" + verdict.reason + ") - tainting kernel");
                }
                return replaced;
            } finally {
                shared.unlock();
            }
        }
    }

    private KernelModule replace(KernelModule mod) {
        KernelModule old = reserve(mod);
        try {
            try {
                loader.form(mod);
            } catch (RuntimeException | Error e) {
                ModuleTeardown.free(kernel, mod);
                throw e;
            }
            loader.coming(mod); // a veto freed mod
            try {
                loader.init(mod);
            } catch (ModuleException e) {
                loader.initFailed(mod, e);
                throw e;
            }
            switchTo(old, mod);
        } finally {
            release(old);
        }
        kernel.notifiers.live(mod); // followers move to mod before old goes GOING
        mod.refcounter().putInit();
        kernel.log().info(mod.name() + ": replaced " + old.version() + " by " + mod.version()
                + (mod.parameters().isEmpty() ? "" : " " + mod.parameters()));
        mod.finishLoading();
        loader.lockMutex(old);
        try {
            old.state(ModuleState.GOING);
        } finally {
            kernel.registry.mutex.unlock();
        }
        ModuleTeardown.drainAndFree(kernel, old, true, true);
        return mod;
    }

    /** Under the mutex: checks the old instance can go, and publishes the new one, shadowed. */
    private KernelModule reserve(KernelModule mod) {
        loader.lockMutex(mod);
        try {
            KernelModule old = kernel.registry.snapshot().entry(mod.name());
            if (old == null || old.state() == ModuleState.UNFORMED) {
                throw new ModuleException(Errno.ENOENT, ModuleLoader.insertError(mod, Errno.ENOENT)
                        + " (module " + mod.name() + " is not loaded: nothing to replace)");
            }
            if (old.state() != ModuleState.LIVE || old.replacement() != null) {
                String why = old.replacement() != null ? "is being replaced" : "is " + old.state().initstate();
                throw new ModuleException(Errno.EBUSY, ModuleLoader.insertError(mod, Errno.EBUSY) + " (module " + mod.name() + " " + why + ")");
            }
            refuseIfHeld(old);
            mod.shadowed(true);
            mod.replaces(old);
            old.replacement(mod);
            kernel.registry.publish(kernel.registry.snapshot().with(mod));
            return old;
        } finally {
            kernel.registry.mutex.unlock();
        }
    }

    /** rmmod's checks on the instance being replaced, in rmmod's words. */
    private static void refuseIfHeld(KernelModule old) {
        List<String> holders = old.holders();
        if (!holders.isEmpty()) {
            throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use by: " + String.join(" ", holders));
        }
        if (old.isPermanent()) {
            throw new ModuleException(Errno.EBUSY, KmodWording.removeError(old.name(), Errno.EBUSY) + " (module is permanent)");
        }
        if (old.refcount() > 0) {
            throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use");
        }
    }

    /**
     * Under the mutex: the name moves to {@code mod}, which goes LIVE, and the old instance's
     * base reference is released. If a holder or a reference appeared since {@link #reserve},
     * {@code mod} is unloaded instead (its exit runs) and the replace fails as rmmod would.
     */
    private void switchTo(KernelModule old, KernelModule mod) {
        ModuleException refused = null;
        loader.lockMutex(mod);
        try {
            try {
                refuseIfHeld(old);
                if (!old.refcounter().tryRelease()) {
                    throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use");
                }
                old.shadowed(true);
                mod.shadowed(false);
                mod.state(ModuleState.LIVE);
                kernel.registry.publish(kernel.registry.snapshot().reindexed());
            } catch (ModuleException e) {
                refused = e;
                mod.state(ModuleState.GOING);
            }
        } finally {
            kernel.registry.mutex.unlock();
        }
        if (refused != null) {
            kernel.log().error(mod.name() + ": replace abandoned after init: " + refused.getMessage());
            ModuleTeardown.drainAndFree(kernel, mod, true, true);
            throw refused;
        }
    }

    private void release(KernelModule old) {
        kernel.registry.mutex.lock();
        try {
            old.replacement(null);
        } finally {
            kernel.registry.mutex.unlock();
        }
    }
}
