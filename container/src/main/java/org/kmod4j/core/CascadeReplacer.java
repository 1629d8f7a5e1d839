package org.kmod4j.core;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.osgi.framework.Bundle;

/**
 * {@code insmod --replace --cascade}: replaces a module together with the modules wired to it
 * (its holders, transitively), which a plain replace refuses because they would keep the old
 * code. Each holder is loaded again from the jar it was loaded from, with its current parameters.
 *
 * <p>The guarantees are a single replace's ({@link ModuleReplacer}), for the whole set: the new
 * instances are reserved beside the old ones (shadowed), then go UNFORMED → COMING → init one
 * after the other in dependency order, each wired to the new instances before it (the host never
 * wires them to an old one: {@link BundleHost#install(ModuleManifest, Bundle, Set)}), and stay
 * COMING while every old one stays LIVE. Then one transition under the module mutex releases
 * every old instance (the links between them are dropped, and with them the references they
 * hold on each other; any other reference or holder refuses the whole cascade), moves every
 * name, and turns every new instance LIVE. The LIVE notifiers run in dependency order (service
 * followers move), then the old instances go GOING and down the unload path in reverse
 * dependency order, users before what they use. A failure anywhere before the switch tears every
 * new instance down, in reverse order, and leaves every old one exactly as it was.
 */
final class CascadeReplacer {
    private final Kernel kernel;
    private final ModuleLoader loader;
    private final ModuleReplacer single;

    CascadeReplacer(Kernel kernel, ModuleLoader loader, ModuleReplacer single) {
        this.kernel = kernel;
        this.loader = loader;
        this.single = single;
    }

    KernelModule replace(Path jar, LoadOptions options) {
        Objects.requireNonNull(jar, "jar");
        List<KernelModule> olds;
        try (ModuleManifest manifest = ModuleManifest.read(jar, kernel.copies)) {
            KernelModule root = kernel.registry.snapshot().entry(manifest.name());
            olds = root == null || root.state() != ModuleState.LIVE ? List.of() : dependencyOrder(root);
        }
        if (olds.size() <= 1) {
            return single.replace(jar, options); // nothing holds it: a plain replace, with its errors
        }
        List<LoadInfo> infos = new ArrayList<>();
        try {
            for (KernelModule old : olds) {
                infos.add(prepare(old, infos.isEmpty() ? jar : old.manifest().path(),
                        infos.isEmpty() ? options : LoadOptions.of(old.parameters())));
            }
            for (LoadInfo info : infos) {
                kernel.waits.enter(info);
            }
            return replace(olds, infos);
        } finally {
            for (LoadInfo info : infos) {
                kernel.waits.leave(info);
                info.manifest.close();
            }
        }
    }

    /** {@code root}, then the modules wired to it, transitively, each after every module of the set it uses. */
    private static List<KernelModule> dependencyOrder(KernelModule root) {
        Set<KernelModule> set = new LinkedHashSet<>();
        Deque<KernelModule> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            KernelModule m = todo.pop();
            if (set.add(m)) {
                m.holders(); // links wires made since the load, as rmmod's check does
                todo.addAll(m.holderModules());
            }
        }
        List<KernelModule> order = new ArrayList<>();
        while (order.size() < set.size()) {
            KernelModule next = null;
            for (KernelModule m : set) {
                if (!order.contains(m) && usesOnly(m, set, order)) {
                    next = m;
                    break;
                }
            }
            if (next == null || (order.isEmpty() && next != root)) {
                List<String> names = KernelModule.names(new ArrayList<>(set));
                throw new ModuleException(Errno.ELOOP, "Module " + root.name() + " cannot be replaced with its holders: "
                        + "they use each other in a cycle (" + String.join(" ", names) + ")");
            }
            order.add(next);
        }
        return order;
    }

    /** Whether every module of {@code set} that {@code m} uses is in {@code done}. */
    private static boolean usesOnly(KernelModule m, Set<KernelModule> set, List<KernelModule> done) {
        for (KernelModule other : set) {
            if (other != m && m.usesModule(other) && !done.contains(other)) {
                return false;
            }
        }
        return true;
    }

    /** Reads, checks and verifies the jar of the new instance of {@code old}, as a load does. */
    private LoadInfo prepare(KernelModule old, Path jar, LoadOptions options) {
        if (jar == null) {
            throw new ModuleException(Errno.ENOENT, "Module " + old.name() + " cannot be replaced: its jar is not known");
        }
        LoadInfo info = new LoadInfo(jar, options);
        info.span = kernel.log().loadStarted();
        ModuleManifest manifest = ModuleManifest.read(jar, kernel.copies);
        info.manifest = manifest;
        try {
            if (!manifest.name().equals(old.name())) {
                throw new ModuleException(Errno.EINVAL, KmodWording.insertError(manifest.filename(), Errno.EINVAL)
                        + " (holder " + old.name() + " is to be loaded again from it, but it now holds module "
                        + manifest.name() + ")");
            }
            info.params = ModuleParameters.resolve(manifest, options.parameters());
            info.permanent = options.permanent() || manifest.permanent();
            info.verdict = loader.checkSignature(manifest);
        } catch (RuntimeException e) {
            manifest.close();
            throw e;
        }
        KernelModule mod = new KernelModule(kernel, info);
        mod.signer(info.verdict.signer);
        info.mod = mod;
        return info;
    }

    private KernelModule replace(List<KernelModule> olds, List<LoadInfo> infos) {
        List<KernelModule> mods = new ArrayList<>();
        Set<Bundle> shunned = new HashSet<>();
        for (int i = 0; i < olds.size(); i++) {
            mods.add(infos.get(i).mod);
            shunned.add(olds.get(i).bundle());
        }
        KernelModule root = mods.get(0);
        kernel.registry.locked(() -> {
            checkReplaceable(olds, mods);
            kernel.registry.reserveAllBeside(mods, olds);
            return null;
        }, ModuleLoader.eintr(root));
        try {
            loadAll(infos, Set.copyOf(mods), Set.copyOf(shunned));
            switchAll(olds, mods);
        } finally {
            for (KernelModule old : olds) {
                kernel.registry.replaceDone(old);
            }
        }
        try {
            for (int i = 0; i < mods.size(); i++) {
                KernelModule mod = mods.get(i);
                kernel.notifiers.live(mod); // followers move to the new instances first
                mod.refs().putInit();
                kernel.log().replaced(mod, mod.name() + ": replaced " + olds.get(i).version() + " by " + mod.version()
                        + (mod.parameters().isEmpty() ? "" : " " + mod.parameters())
                        + (i == 0 ? "" : " (cascade from " + root.name() + ")"), infos.get(i).span);
                if (!infos.get(i).verdict.trusted && kernel.signatures.checks()) {
                    mod.taint(Taint.UNSIGNED_MODULE);
                    kernel.taint(Taint.UNSIGNED_MODULE, mod.name() + ": module verification failed: signature and/or"
                            + " required key missing (" + infos.get(i).verdict.reason + ") - tainting kernel");
                }
            }
        } finally {
            mods.forEach(KernelModule::finishLoading);
            for (int i = olds.size() - 1; i >= 0; i--) { // users first, as modprobe -r removes them
                kernel.registry.replacedGoing(olds.get(i));
                KernelLog.Span freeing = kernel.log().unloadStarted();
                kernel.log().replacedFreed(olds.get(i).name(), freeing, ModuleTeardown.unload(kernel, olds.get(i)));
            }
        }
        return root;
    }

    /** Under the mutex, before anything is reserved: the checks a single replace makes, for each old instance. */
    private void checkReplaceable(List<KernelModule> olds, List<KernelModule> mods) {
        RegistrySnapshot snap = kernel.registry.snapshot();
        for (int i = 0; i < olds.size(); i++) {
            KernelModule old = olds.get(i);
            KernelModule mod = mods.get(i);
            if (snap.entry(old.name()) != old || old.state() != ModuleState.LIVE || old.replacement() != null) {
                String why = old.replacement() != null ? "is being replaced" : "is " + old.state().initstate();
                throw new ModuleException(Errno.EBUSY, ModuleLoader.insertError(mod, Errno.EBUSY) + " (module " + old.name()
                        + " " + why + ")");
            }
            if (old.unloadWouldWaitForThisThread()) {
                throw new ModuleException(Errno.EDEADLK, KmodWording.removeError(old.name(), Errno.EDEADLK)
                        + " (replace called from inside a read section or an SRCU callback of the module, which its unload"
                        + " would wait for)");
            }
            if (old.isPermanent()) {
                throw new ModuleException(Errno.EBUSY, KmodWording.removeError(old.name(), Errno.EBUSY) + " (module is permanent)");
            }
        }
        checkHeldOnlyByEachOther(olds);
    }

    /**
     * Under the mutex: every holder of an old instance is one of {@code olds}, and the only
     * references on each are those its holders' links hold (rmmod's checks, for the set).
     */
    private static void checkHeldOnlyByEachOther(List<KernelModule> olds) {
        for (KernelModule old : olds) {
            old.holders(); // links wires made since (reentrant: the mutex is this thread's)
            List<KernelModule> outside = new ArrayList<>(old.holderModules());
            outside.removeAll(olds);
            if (!outside.isEmpty()) {
                throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use by: "
                        + String.join(" ", KernelModule.names(outside)));
            }
            if (old.refcount() != old.holderModules().size()) {
                throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use");
            }
        }
    }

    /**
     * The new instances' loads, in dependency order; each stays COMING after its init. On a
     * failure the failed one was torn down by the load path; those before it go down here
     * (their exit runs), those after it never started and are dropped.
     */
    private void loadAll(List<LoadInfo> infos, Set<KernelModule> cascade, Set<Bundle> shunned) {
        int done = 0;
        try {
            for (LoadInfo info : infos) {
                info.cascade = cascade;
                info.shunned = shunned;
                loader.formAndCome(info);
                loader.initOrTearDown(info);
                done++;
            }
        } catch (RuntimeException | Error e) {
            int failed = done;
            for (int i = infos.size() - 1; i > failed; i--) {
                ModuleTeardown.unformed(kernel, infos.get(i).mod);
            }
            tearDown(infos.subList(0, failed).stream().map(info -> info.mod).toList(), e);
            throw e;
        }
    }

    /** The new instances go (their init ran), the last one first. */
    private void tearDown(List<KernelModule> mods, Throwable why) {
        for (int i = mods.size() - 1; i >= 0; i--) {
            KernelModule mod = mods.get(i);
            kernel.log().error(mod.name() + ": cascade replace abandoned after init: " + why.getMessage());
            kernel.registry.replacedGoing(mod);
            ModuleTeardown.unload(kernel, mod);
        }
    }

    /**
     * Under the mutex: releases every old instance, users first (dropping the links between
     * them and the references those hold), moves every name and turns every new instance LIVE.
     * If a holder or a reference appeared since the reserve, nothing changes, the new instances
     * are unloaded and the cascade fails as rmmod would.
     */
    private void switchAll(List<KernelModule> olds, List<KernelModule> mods) {
        ModuleException refused;
        try {
            refused = kernel.registry.locked(() -> {
                try {
                    checkHeldOnlyByEachOther(olds);
                    release(olds);
                } catch (ModuleException e) {
                    return e;
                }
                kernel.registry.moveNames(olds, mods);
                mods.forEach(m -> m.state(ModuleState.LIVE));
                return null;
            }, ModuleLoader.eintr(mods.get(0)));
        } catch (ModuleException e) { // interrupted before the switch
            refused = e;
        }
        if (refused != null) {
            tearDown(mods, refused);
            throw refused;
        }
    }

    /** Under the mutex: each old instance's base reference, users first; all or none. */
    private static void release(List<KernelModule> olds) {
        List<KernelModule> released = new ArrayList<>();
        List<KernelModule[]> dropped = new ArrayList<>(); // {user, target}
        for (int i = olds.size() - 1; i >= 0; i--) {
            KernelModule old = olds.get(i);
            if (!old.refs().tryRelease()) { // a reference taken since the check
                undo(released, dropped);
                throw new ModuleException(Errno.EWOULDBLOCK, "Module " + old.name() + " is in use");
            }
            released.add(old);
            for (KernelModule target : olds) {
                if (old.dropUse(target)) {
                    target.put();
                    dropped.add(new KernelModule[] {old, target});
                }
            }
        }
    }

    /** Gives the released instances their base back, then the links dropped and their references. */
    private static void undo(List<KernelModule> released, List<KernelModule[]> dropped) {
        for (KernelModule old : released) {
            old.refs().restoreBase();
        }
        for (KernelModule[] link : dropped) {
            if (link[1].refs().tryGet()) { // every target's base is held again
                link[0].addUse(link[1]);
            }
        }
    }
}
