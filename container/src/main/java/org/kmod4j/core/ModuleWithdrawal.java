package org.kmod4j.core;

import java.util.List;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

/**
 * The framework took a LIVE module's bundle away behind the container's back (a shell's
 * {@code stop}, {@code uninstall} or {@code refresh}, a bundle stopping itself, a refresh that
 * reached it from another bundle). OSGi has no hook that could refuse that, so the container
 * follows: the module is GOING at once (lsmod never calls a stopped bundle Live), the event goes
 * to dmesg, and the unload runs as rmmod's would (grace period, exit, GOING notifiers, free).
 * It counts as forced, and taints R, when references, holders or permanence would have made
 * rmmod refuse. Holders lose their link: their wires point at a bundle that is gone.
 */
final class ModuleWithdrawal {

    private ModuleWithdrawal() {
    }

    private record Withdrawn(KernelModule module, List<KernelModule> holders) {
    }

    /**
     * Called from the framework's event delivery; the teardown runs on the kernel's executor.
     * @return whether a LIVE module was withdrawn (false for the container's own stops)
     */
    static boolean withdraw(Kernel kernel, long bundleId, String what) {
        // one transition under the module mutex: GOING, and the holders' links dropped
        Withdrawn w = kernel.registry.locked(() -> {
            KernelModule m = kernel.registry.snapshot().byBundleId(bundleId);
            // not LIVE: the container's own load or unload is stopping the bundle
            if (m == null || m.state() != ModuleState.LIVE) {
                return null;
            }
            m.state(ModuleState.GOING);
            List<KernelModule> h = m.holderModules();
            for (KernelModule holder : h) {
                holder.dropUse(m);
            }
            return new Withdrawn(m, h);
        }, () -> new ModuleException(Errno.EINTR, "interrupted while following the framework"));
        if (w == null) {
            return false;
        }
        KernelModule mod = w.module;
        List<KernelModule> holders = w.holders;
        for (int i = 0; i < holders.size(); i++) {
            mod.put(); // each dropped link held one reference
        }
        String name = mod.name();
        kernel.log().warn(name + ": bundle " + what + " by the framework, not by rmmod: unloading " + name);
        boolean referenced = !mod.refs().tryRelease();
        if (referenced || !holders.isEmpty() || mod.isPermanent()) {
            mod.taint(Taint.FORCED_RMMOD);
            kernel.taint(Taint.FORCED_RMMOD, name + ": forced unload by the framework"
                    + (holders.isEmpty() ? "" : ", in use by: " + String.join(" ", KernelModule.names(holders)))
                    + (referenced ? ", " + mod.refcount() + " reference(s) held" : "")
                    + (mod.isPermanent() ? ", permanent" : ""));
        }
        // no lock held: the teardown runs module code and waits for grace periods
        kernel.executor.execute(() -> {
            ModuleTeardown.unload(kernel, mod);
            kernel.log().info(name + ": unloaded (bundle " + what + " by the framework)");
        });
        return true;
    }
}
