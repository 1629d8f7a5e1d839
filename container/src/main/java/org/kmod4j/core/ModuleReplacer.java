package org.kmod4j.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

/**
 * Replace as one operation: the new instance goes UNFORMED → COMING → init while the old one
 * stays LIVE and keeps its name; on success, in one transition under the module mutex, the
 * name moves to the new instance and it goes LIVE (so {@link ServiceFollower}s move to it),
 * then the old one goes GOING and down {@link ModuleTeardown#unload} (grace period: calls in
 * flight finish on the old code; exit; barrier; free). A failed load of the new instance unwinds
 * through the load path's own teardowns ({@link ModuleTeardown#unformed}, {@link
 * ModuleTeardown#vetoed}, {@link ModuleTeardown#failedInit}) and leaves the old one exactly as
 * it was. Refused, as rmmod would refuse the old one, while modules hold it (they are wired to
 * its bundle and would keep the old code) or references are held on it; EDEADLK from inside a
 * read section or an SRCU callback of the old one (its unload would wait for the caller). As
 * every load, nothing container-side is held while module code runs or anything waits.
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
        LoadInfo info = new LoadInfo(jar, options);
        info.span = kernel.log().loadStarted();
        kernel.waits.enter(info);
        try (ModuleManifest manifest = ModuleManifest.read(jar, kernel.copies)) {
            info.manifest = manifest;
            info.params = ModuleParameters.resolve(manifest, options.parameters());
            info.permanent = options.permanent() || manifest.permanent();
            info.verdict = loader.checkSignature(manifest);
            KernelModule mod = new KernelModule(kernel, info);
            info.mod = mod;
            mod.signer(info.verdict.signer);
            replace(info);
            if (!info.verdict.trusted && kernel.signatures.checks()) { // as a load does
                mod.taint(Taint.UNSIGNED_MODULE);
                kernel.taint(Taint.UNSIGNED_MODULE, mod.name() + ": module verification failed: signature and/or required key"
                        + " missing (" + info.verdict.reason + ") - tainting kernel");
            }
            return mod;
        } finally {
            kernel.waits.leave(info);
        }
    }

    private void replace(LoadInfo info) {
        KernelModule mod = info.mod;
        KernelModule old = kernel.registry.reserveBeside(mod, o -> checkReplaceable(mod, o), ModuleLoader.eintr(mod));
        try {
            loader.formAndCome(info); // failures tore mod down (unformed or vetoed)
            loader.initOrTearDown(info); // a failed init tore mod down
            switchTo(old, mod);
        } finally {
            kernel.registry.replaceDone(old);
        }
        try {
            kernel.notifiers.live(mod); // followers move to mod before old goes GOING
            mod.refs().putInit();
            kernel.log().replaced(mod, mod.name() + ": replaced " + old.version() + " by " + mod.version()
                    + (mod.parameters().isEmpty() ? "" : " " + mod.parameters()), info.span);
        } finally {
            mod.finishLoading();
            // the old instance's base reference is gone and its name moved: it only has to go
            kernel.registry.replacedGoing(old);
            KernelLog.Span freeing = kernel.log().unloadStarted();
            kernel.log().replacedFreed(old.name(), freeing, ModuleTeardown.unload(kernel, old));
        }
    }

    /** Under the mutex, before the new instance is reserved: whether {@code old} may be replaced now. */
    private static void checkReplaceable(KernelModule mod, KernelModule old) {
        if (old == null || old.state() == ModuleState.UNFORMED) {
            throw new ModuleException(Errno.ENOENT, ModuleLoader.insertError(mod, Errno.ENOENT)
                    + " (module " + mod.name() + " is not loaded: nothing to replace)");
        }
        if (old.state() != ModuleState.LIVE || old.replacement() != null) {
            String why = old.replacement() != null ? "is being replaced" : "is " + old.state().initstate();
            throw new ModuleException(Errno.EBUSY, ModuleLoader.insertError(mod, Errno.EBUSY) + " (module " + mod.name() + " " + why + ")");
        }
        refuseIfHeld(old);
    }

    /** rmmod's checks on the instance being replaced, in rmmod's words. */
    private static void refuseIfHeld(KernelModule old) {
        List<String> holders = old.holders();
        if (!holders.isEmpty()) {
            throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use by: " + String.join(" ", holders));
        }
        if (old.unloadWouldWaitForThisThread()) {
            throw new ModuleException(Errno.EDEADLK, KmodWording.removeError(old.name(), Errno.EDEADLK)
                    + " (replace called from inside a read section or an SRCU callback of the module, which its unload would wait for)");
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
     * base reference is released. If a holder or a reference appeared since the reserve,
     * {@code mod} is unloaded instead (its exit runs) and the replace fails as rmmod would.
     */
    private void switchTo(KernelModule old, KernelModule mod) {
        ModuleException refused;
        try {
            refused = kernel.registry.locked(() -> {
                try {
                    refuseIfHeld(old);
                    if (!old.refs().tryRelease()) {
                        throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use");
                    }
                } catch (ModuleException e) {
                    mod.state(ModuleState.GOING);
                    return e;
                }
                kernel.registry.moveName(old, mod);
                mod.state(ModuleState.LIVE);
                return null;
            }, ModuleLoader.eintr(mod));
        } catch (ModuleException e) { // interrupted before the switch: the new instance goes
            refused = e;
            mod.state(ModuleState.GOING);
        }
        if (refused != null) {
            kernel.log().error(mod.name() + ": replace abandoned after init: " + refused.getMessage());
            ModuleTeardown.unload(kernel, mod);
            throw refused;
        }
    }
}
