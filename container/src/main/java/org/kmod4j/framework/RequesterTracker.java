package org.kmod4j.framework;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.kmod4j.api.ModuleRequester;
import org.kmod4j.core.Kernel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Hands the kernel the best-ranked {@link ModuleRequester} service (modprobe), or none. Keeps
 * its own ordered view: inside the tracker's callbacks the tracker's own state does not yet (or
 * no longer) include the service being added (or removed).
 */
final class RequesterTracker extends ServiceTracker<ModuleRequester, ModuleRequester> {
    private final Kernel kernel;
    /** ServiceReference order is ranking, then age: the last key is the one to use. */
    private final ConcurrentSkipListMap<ServiceReference<ModuleRequester>, ModuleRequester> requesters = new ConcurrentSkipListMap<>();

    RequesterTracker(BundleContext context, Kernel kernel) {
        super(context, ModuleRequester.class, null);
        this.kernel = kernel;
    }

    @Override
    public ModuleRequester addingService(ServiceReference<ModuleRequester> reference) {
        ModuleRequester r = super.addingService(reference);
        if (r != null) {
            requesters.put(reference, r);
            publish();
        }
        return r;
    }

    @Override
    public void modifiedService(ServiceReference<ModuleRequester> reference, ModuleRequester service) {
        requesters.remove(reference); // re-insert: its ranking, hence its place, may have changed
        requesters.put(reference, service);
        publish();
    }

    @Override
    public void removedService(ServiceReference<ModuleRequester> reference, ModuleRequester service) {
        requesters.remove(reference);
        publish();
        super.removedService(reference, service);
    }

    private synchronized void publish() {
        Map.Entry<ServiceReference<ModuleRequester>, ModuleRequester> best = requesters.lastEntry();
        kernel.requester(best == null ? null : best.getValue());
    }
}
