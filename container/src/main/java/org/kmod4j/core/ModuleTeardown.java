package org.kmod4j.core;

import java.util.List;

import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.core.srcu.SrcuStruct;

/**
 * The ways a module goes, after its state is GOING: {@link #unload}, {@link #failedInit},
 * {@link #vetoed}, and {@link #unformed} for a load that never reached COMING. Linux splits
 * these between delete_module, do_init_module's fail path and free_module. Everything here runs
 * with no container lock held (module code runs, grace periods and barriers wait); only the
 * final removal from the registry takes the module mutex, briefly. Each step is isolated, so a
 * throwing step never leaves the module half torn down.
 */
final class ModuleTeardown {

    private ModuleTeardown() {
    }

    /** rmmod: grace period, exit, stop, GOING notifiers, barrier, cleanup, free. */
    static Times unload(Kernel kernel, KernelModule mod) {
        return tearDown(kernel, mod, true, true);
    }

    /** Linux do_init_module's {@code fail:} path: as unload, without exit. */
    static void failedInit(Kernel kernel, KernelModule mod) {
        tearDown(kernel, mod, false, true);
    }

    /** A COMING veto: the chain already told the notifiers it called, so no GOING broadcast. */
    static void vetoed(Kernel kernel, KernelModule mod) {
        tearDown(kernel, mod, false, false);
    }

    /** A load that failed before COMING: no module code ran, nothing to drain. */
    static void unformed(Kernel kernel, KernelModule mod) {
        free(kernel, mod);
    }

    /** How long the grace period and the exit of one teardown took. */
    static final class Times {
        final long gracePeriodNanos;
        final long exitNanos;

        Times(long gracePeriodNanos, long exitNanos) {
            this.gracePeriodNanos = gracePeriodNanos;
            this.exitNanos = exitNanos;
        }
    }

    private static Times tearDown(Kernel kernel, KernelModule mod, boolean callExit, boolean notifyGoing) {
        long gracePeriod = 0;
        long exit = 0;
        try {
            // in-flight guarded calls finish; new ones already fail (state is GOING)
            int domains = mod.srcuStructs().size();
            KernelLog.Span grace = kernel.log().gracePeriodStarted(mod.name(), domains);
            for (SrcuStruct d : mod.srcuStructs().values()) {
                step(kernel, mod, "grace period", d::synchronizeUninterruptibly);
            }
            gracePeriod = kernel.log().gracePeriodEnded(mod.name(), domains, grace);
            long exitStart = System.nanoTime();
            if (callExit) {
                ModuleInit init = mod.moduleInit();
                if (init != null) {
                    step(kernel, mod, "exit", () -> init.exit(mod.context()));
                }
            }
            exit = System.nanoTime() - exitStart;
            if (mod.hosted() != null) {
                step(kernel, mod, "bundle stop", mod.hosted()::stop);
            }
            if (notifyGoing) {
                step(kernel, mod, "GOING notifiers", () -> kernel.notifiers.going(mod));
            }
            if (mod.context() != null) {
                step(kernel, mod, "context release", mod.context()::release);
            }
            // the implicit srcu_barrier Linux leaves to the module: only where call() was used
            for (SrcuStruct d : mod.srcuStructs().values()) {
                if (d.hadCallbacks()) {
                    step(kernel, mod, "srcu barrier", () -> {
                        long pending = d.callbacksPending();
                        d.barrierUninterruptibly();
                        kernel.log().module(mod.name(), ModuleEvent.Level.INFO,
                                mod.name() + ": srcu barrier on domain " + d.name() + ": " + pending + " callback(s) drained");
                    });
                }
            }
            for (SrcuStruct d : mod.srcuStructs().values()) {
                step(kernel, mod, "srcu cleanup", d::cleanup);
            }
        } finally {
            free(kernel, mod);
        }
        return new Times(gracePeriod, exit);
    }

    /** A step of the teardown: module or host code; what it throws is reported, and the teardown goes on. */
    private interface Step {
        void run() throws Throwable;
    }

    private static void step(Kernel kernel, KernelModule mod, String what, Step s) {
        try {
            s.run();
        } catch (Throwable t) {
            kernel.warn(mod.name() + ": " + what + " threw " + t + "; unloading anyway");
        }
    }

    /** Uninstall + refresh, drop the use links and leave the registry; wakes waiters. */
    private static void free(Kernel kernel, KernelModule mod) {
        try {
            if (mod.hosted() != null) {
                step(kernel, mod, "uninstall", mod.hosted()::uninstall);
            }
            List<KernelModule> dropped = kernel.registry.remove(mod);
            for (KernelModule target : dropped) {
                target.put();
            }
            ClassLoader loader = mod.classLoader();
            mod.release(); // the container keeps nothing of the module's classes
            kernel.freed(mod, loader);
        } finally {
            mod.finishLoading();
        }
    }
}
