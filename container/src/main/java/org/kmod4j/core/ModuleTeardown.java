package org.kmod4j.core;

import java.util.List;

import org.kmod4j.api.ModuleInit;
import org.kmod4j.core.srcu.SrcuStruct;

/**
 * What unload and a failed init share after GOING: grace period on the module's domains,
 * exit, GOING notifiers, the implicit barrier, domain cleanup, and free (stop, uninstall,
 * refresh, drop use links, leave the registry). Linux splits this between delete_module,
 * do_init_module's fail path and free_module.
 */
final class ModuleTeardown {

    private ModuleTeardown() {
    }

    /**
     * @param callExit whether the Module-Init's exit runs (unload yes, failed init no)
     * @param notifyGoing whether GOING goes to the notifiers (not after a COMING veto, whose
     *     rollback already told the notifiers that were called)
     */
    static void drainAndFree(Kernel kernel, KernelModule mod, boolean callExit, boolean notifyGoing) {
        // in-flight guarded calls finish; new ones already fail (state is GOING)
        for (SrcuStruct d : mod.domainTable().values()) {
            d.synchronizeUninterruptibly();
        }
        if (callExit) {
            ModuleInit init = mod.moduleInit();
            if (init != null) {
                try {
                    init.exit(mod.context());
                } catch (Throwable t) {
                    kernel.warn(mod.name() + ": exit threw " + t + "; unloading anyway");
                }
            }
        }
        try {
            if (mod.hosted() != null) {
                mod.hosted().stop();
            }
        } catch (Throwable t) {
            kernel.warn(mod.name() + ": bundle stop failed: " + t + "; unloading anyway");
        }
        if (notifyGoing) {
            kernel.notifiers.going(mod);
        }
        if (mod.context() != null) {
            mod.context().release();
        }
        // the implicit srcu_barrier Linux leaves to the module: only where call() was used
        for (SrcuStruct d : mod.domainTable().values()) {
            if (d.hadCallbacks()) {
                long pending = d.callbacksPending();
                d.barrierUninterruptibly();
                kernel.log().info(mod.name() + ": srcu barrier on domain " + d.name() + ": " + pending + " callback(s) drained");
            }
        }
        for (SrcuStruct d : mod.domainTable().values()) {
            d.cleanup();
        }
        free(kernel, mod);
    }

    /** Uninstall + refresh, drop the use links and leave the registry; wakes waiters. */
    static void free(Kernel kernel, KernelModule mod) {
        try {
            if (mod.hosted() != null) {
                mod.hosted().uninstall();
            }
        } catch (Throwable t) {
            kernel.warn(mod.name() + ": uninstall failed: " + t);
        }
        List<KernelModule> dropped;
        kernel.registry.mutex.lock();
        try {
            dropped = mod.dropUses();
            kernel.registry.publish(kernel.registry.snapshot().without(mod));
        } finally {
            kernel.registry.mutex.unlock();
        }
        for (KernelModule target : dropped) {
            target.put();
        }
        ClassLoader loader = mod.classLoader();
        mod.release(); // the container keeps nothing of the module's classes
        mod.finishLoading();
        kernel.freed(mod, loader);
    }
}
