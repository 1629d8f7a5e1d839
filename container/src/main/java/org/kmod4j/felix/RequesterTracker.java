package org.kmod4j.felix;

import org.kmod4j.api.ModuleRequester;
import org.kmod4j.core.Kernel;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/** Hands the kernel the best-ranked {@link ModuleRequester} service (modprobe), or none. */
final class RequesterTracker extends ServiceTracker<ModuleRequester, ModuleRequester> {
    private final Kernel kernel;

    RequesterTracker(BundleContext context, Kernel kernel) {
        super(context, ModuleRequester.class, null);
        this.kernel = kernel;
    }

    @Override
    public ModuleRequester addingService(org.osgi.framework.ServiceReference<ModuleRequester> reference) {
        ModuleRequester r = super.addingService(reference);
        kernel.requester(getService());
        return r;
    }

    @Override
    public void modifiedService(org.osgi.framework.ServiceReference<ModuleRequester> reference, ModuleRequester service) {
        kernel.requester(getService());
    }

    @Override
    public void removedService(org.osgi.framework.ServiceReference<ModuleRequester> reference, ModuleRequester service) {
        super.removedService(reference, service);
        kernel.requester(getService());
    }
}
