package org.kmod4j.core;

import java.util.Set;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

/**
 * Use links for wires made after the load: a DynamicImport-Package wire exists from the first
 * class loaded through it, the way Linux's {@code symbol_get} takes a module reference at run
 * time. Reading a module's holders or uses first links every current wire not linked yet, so
 * lsmod, modinfo, JMX and rmmod's "in use by" see it; each new link holds a reference on the
 * module used, as the links made at load do.
 */
final class WireLinks {

    private WireLinks() {
    }

    /** Links the modules wired to {@code target} that do not hold it yet. */
    static void linkHolders(Kernel kernel, KernelModule target) {
        BundleHost.Hosted hosted = target.hosted();
        if (hosted == null || target.state() != ModuleState.LIVE) {
            return;
        }
        link(kernel, hosted.consumers(), target, true);
    }

    /** Links {@code user} to the modules it is wired to and does not use yet. */
    static void linkUses(Kernel kernel, KernelModule user) {
        BundleHost.Hosted hosted = user.hosted();
        if (hosted == null || !linkable(user)) {
            return;
        }
        link(kernel, hosted.providers(), user, false);
    }

    private static void link(Kernel kernel, Set<Long> bundleIds, KernelModule mod, boolean idsAreUsers) {
        if (!missing(kernel, bundleIds, mod, idsAreUsers)) {
            return; // the common case: no lock taken
        }
        kernel.registry.locked(() -> {
            RegistrySnapshot snap = kernel.registry.snapshot();
            for (long id : bundleIds) {
                KernelModule other = snap.byBundleId(id);
                if (other == null || other == mod) {
                    continue;
                }
                KernelModule user = idsAreUsers ? other : mod;
                KernelModule target = idsAreUsers ? mod : other;
                if (linkable(user) && target.state() == ModuleState.LIVE && !user.usesModule(target) && target.tryGet()) {
                    user.addUse(target);
                }
            }
            return null;
        }, () -> new ModuleException(Errno.EINTR, "interrupted while linking " + mod.name()));
    }

    private static boolean missing(Kernel kernel, Set<Long> bundleIds, KernelModule mod, boolean idsAreUsers) {
        RegistrySnapshot snap = kernel.registry.snapshot();
        for (long id : bundleIds) {
            KernelModule other = snap.byBundleId(id);
            if (other != null && other != mod) {
                KernelModule user = idsAreUsers ? other : mod;
                KernelModule target = idsAreUsers ? mod : other;
                if (linkable(user) && target.state() == ModuleState.LIVE && !user.usesModule(target)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The load links a forming module itself; a going one links nothing new. */
    private static boolean linkable(KernelModule user) {
        ModuleState s = user.state();
        return s == ModuleState.COMING || s == ModuleState.LIVE;
    }
}
