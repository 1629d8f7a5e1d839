package org.kmod4j.core;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;

/**
 * The unload path: Linux {@code delete_module}, checks in its order (not found → ENOENT,
 * holders → EWOULDBLOCK even when forced, not LIVE → EBUSY, permanent → EBUSY even when forced,
 * references → EWOULDBLOCK unless forced), then GOING and {@link ModuleTeardown#unload}. The
 * checks and GOING are one transition under the module mutex; the mutex is released before the
 * grace periods, exit, notifiers and barrier (Linux drops module_mutex before
 * {@code mod->exit()}), so module code running in them may load and unload. An unload from
 * inside a read section or an SRCU callback of the module's own domains would wait for itself
 * (grace period, implicit barrier): EDEADLK at once, before anything changes.
 * {@code --wait} is modprobe's userspace retry of EWOULDBLOCK with backoff.
 */
final class ModuleUnloader {
    private static final long FIRST_BACKOFF_MILLIS = 5;
    private static final long MAX_BACKOFF_MILLIS = 500;

    private final Kernel kernel;

    ModuleUnloader(Kernel kernel) {
        this.kernel = kernel;
    }

    void unload(String name, UnloadOptions options) {
        Objects.requireNonNull(name, "name");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.waitMillis());
        long backoff = FIRST_BACKOFF_MILLIS;
        for (;;) {
            try {
                unloadOnce(name, options.force());
                return;
            } catch (ModuleException e) {
                long left = deadline - System.nanoTime();
                if (e.errno() != Errno.EAGAIN || options.waitMillis() == 0 || left <= 0) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new ModuleException(Errno.EINTR, KmodWording.removeError(name, Errno.EINTR));
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    private void unloadOnce(String name, boolean force) {
        KernelLog.Span span = kernel.log().unloadStarted();
        KernelModule mod = kernel.registry.locked(() -> {
            KernelModule m = checkRemovable(name, force);
            m.state(ModuleState.GOING);
            return m;
        }, () -> new ModuleException(Errno.EINTR, KmodWording.removeError(name, Errno.EINTR)));
        ModuleTeardown.Times times = ModuleTeardown.unload(kernel, mod);
        kernel.log().unloaded(name, force, name + ": unloaded" + (force ? " (forced)" : ""), span, times);
    }

    /** Under the module mutex; on success the base reference is released. */
    private KernelModule checkRemovable(String name, boolean force) {
        KernelModule mod = kernel.registry.snapshot().entry(name);
        if (mod == null || mod.state() == ModuleState.UNFORMED) {
            throw new ModuleException(Errno.ENOENT, "Module " + name + " is not currently loaded");
        }
        List<String> holders = mod.holders();
        if (!holders.isEmpty()) {
            throw new ModuleException(Errno.EWOULDBLOCK, "Module " + name + " is in use by: " + String.join(" ", holders));
        }
        if (mod.state() != ModuleState.LIVE) {
            throw new ModuleException(Errno.EBUSY, KmodWording.removeError(name, Errno.EBUSY)
                    + " (module is " + mod.state().initstate() + ")");
        }
        if (mod.replacement() != null) { // the replace takes the old instance down itself
            throw new ModuleException(Errno.EBUSY, KmodWording.removeError(name, Errno.EBUSY)
                    + " (module is being replaced)");
        }
        if (mod.unloadWouldWaitForThisThread()) {
            throw new ModuleException(Errno.EDEADLK, KmodWording.removeError(name, Errno.EDEADLK)
                    + " (called from inside a read section or an SRCU callback of the module, which the unload would wait for)");
        }
        if (mod.isPermanent()) {
            throw new ModuleException(Errno.EBUSY, KmodWording.removeError(name, Errno.EBUSY)
                    + " (module is permanent)");
        }
        if (!mod.refs().tryRelease()) {
            if (!force) {
                throw new ModuleException(Errno.EWOULDBLOCK, "Module " + name + " is in use");
            }
            mod.taint(Taint.FORCED_RMMOD);
            kernel.taint(Taint.FORCED_RMMOD, name + ": forced unload with " + mod.refcount() + " reference(s) held");
        }
        return mod;
    }
}
