package org.kmod4j.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;
import org.osgi.framework.Bundle;

/**
 * The source of a proxy from {@link org.kmod4j.api.ModuleContext#service(Class)}: follows
 * whichever module currently provides a service. The framework adapter feeds it the service's
 * registrations ({@link #added}, {@link #modified}, {@link #removed}); it binds calls to the best
 * eligible one.
 *
 * <p>Eligible: the providing module is LIVE and is the instance its name currently finds (after
 * a replace switched the name, the old instance is not). Best: highest service ranking, then
 * lowest service id (OSGi's order). The choice is made again when a module goes LIVE (a
 * notifier at the highest priority, so followers move first) and whenever a call finds its
 * binding's module no longer LIVE. So during a replace a call sees the old instance until the
 * new one is LIVE and the name switched, then the new one; never neither. Candidates of a
 * module that left LIVE are dropped, so a follower never keeps an unloaded module's objects.
 *
 * <p>Calls take no lock on the fast path (one volatile read and the module's state). The choice
 * is made under this object's monitor, where no module code runs.
 */
public final class ServiceFollower extends ServiceSource {
    private static final Comparator<Candidate> BEST =
            Comparator.comparingInt((Candidate c) -> -c.ranking).thenComparingLong(c -> c.serviceId);

    private final Kernel kernel;
    private final String what;
    private final long waitNanos;
    /** By service id; guarded by this. */
    private final Map<Long, Candidate> candidates = new LinkedHashMap<>();
    private volatile ServiceBinding current;
    private volatile boolean closed;
    private final ModuleNotifier moved = (event, module) -> choose();
    private volatile AutoCloseable tracking;

    private static final class Candidate {
        final long serviceId;
        final int ranking;
        final ServiceBinding binding;

        Candidate(long serviceId, int ranking, ServiceBinding binding) {
            this.serviceId = serviceId;
            this.ranking = ranking;
            this.binding = binding;
        }
    }

    /**
     * @param what the service as messages name it (type and filter)
     * @param waitMillis how long a call waits for a provider when there is none; 0 fails at once
     */
    ServiceFollower(Kernel kernel, String what, long waitMillis) {
        this.kernel = kernel;
        this.what = what;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        kernel.notifiers().register(moved, Integer.MAX_VALUE);
    }

    /** The adapter's registration handle, closed with this follower. */
    void tracking(AutoCloseable t) {
        this.tracking = t;
    }

    @Override
    public ServiceBinding binding() {
        ServiceBinding b = current;
        if (b != null && b.live()) {
            return b;
        }
        return slowBinding();
    }

    private ServiceBinding slowBinding() {
        long deadline = System.nanoTime() + waitNanos;
        synchronized (this) {
            while (true) {
                ServiceBinding b = chooseLocked();
                if (b != null) {
                    return b;
                }
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    throw new ModuleException(Errno.ENOENT, closed
                            ? "Service " + what + " is no longer followed (its consumer is gone)"
                            : "No module currently provides " + what);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ModuleException(Errno.EINTR, "interrupted while waiting for a provider of " + what);
                }
            }
        }
    }

    /** A service appeared. Services of bundles that are not modules are not followed. */
    public void added(long serviceId, int ranking, Bundle provider, Object service) {
        KernelModule module = (KernelModule) kernel.find(provider).orElse(null);
        if (module == null || module.state() == ModuleState.GOING) {
            return;
        }
        ServiceBinding b = new ServiceBinding(module, service, false);
        synchronized (this) {
            if (closed) {
                return;
            }
            candidates.put(serviceId, new Candidate(serviceId, ranking, b));
            chooseLocked();
            notifyAll();
        }
    }

    /** Its ranking changed. */
    public synchronized void modified(long serviceId, int ranking) {
        Candidate c = candidates.get(serviceId);
        if (c != null) {
            candidates.put(serviceId, new Candidate(serviceId, ranking, c.binding));
            chooseLocked();
        }
    }

    /** It was unregistered. */
    public synchronized void removed(long serviceId) {
        candidates.remove(serviceId);
        chooseLocked();
    }

    /** Chooses again (a module went LIVE or left it). */
    void choose() {
        synchronized (this) {
            chooseLocked();
            notifyAll();
        }
    }

    private ServiceBinding chooseLocked() {
        List<Candidate> eligible = new ArrayList<>();
        candidates.values().removeIf(c -> c.binding.module.state() == ModuleState.GOING);
        for (Candidate c : candidates.values()) {
            KernelModule m = c.binding.module;
            if (m.state() == ModuleState.LIVE && kernel.find(m.name()).orElse(null) == m) {
                eligible.add(c);
            }
        }
        eligible.sort(BEST);
        ServiceBinding b = eligible.isEmpty() ? null : eligible.get(0).binding;
        current = b;
        return b;
    }

    /** Stops following: calls fail with ENOENT, waiting ones wake, every target is dropped. */
    public void close() {
        AutoCloseable t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            candidates.clear();
            current = null;
            t = tracking;
            tracking = null;
            notifyAll();
        }
        kernel.notifiers().unregister(moved);
        if (t != null) {
            try {
                t.close();
            } catch (Exception e) {
                kernel.warn("stop following " + what + ": " + e);
            }
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    String describe() {
        ServiceBinding b = current;
        return what + (b == null ? ": no provider" : " @ " + b);
    }
}
