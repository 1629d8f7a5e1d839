package org.kmod4j.framework;

import org.kmod4j.core.Kernel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Follows what the framework does to module bundles behind the container's back (Gogo's
 * {@code stop}/{@code uninstall}/{@code refresh}, a bundle stopping itself): OSGi has no hook
 * that could refuse it, so the module is unloaded ({@link Kernel#bundleWithdrawn}). Synchronous,
 * so the module is GOING before the bundle's activator stop runs. The container's own stops
 * find their module already GOING and are ignored; so is the framework's shutdown.
 */
final class BundleWatch implements SynchronousBundleListener {
    private final BundleContext system;
    private final Kernel kernel;

    BundleWatch(BundleContext system, Kernel kernel) {
        this.system = system;
        this.kernel = kernel;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        String what;
        switch (event.getType()) {
            case BundleEvent.STOPPING:
                what = "stopped";
                break;
            case BundleEvent.UNRESOLVED:
                what = "unresolved";
                break;
            case BundleEvent.UNINSTALLED:
                what = "uninstalled";
                break;
            default:
                return;
        }
        if ((system.getBundle(0).getState() & (Bundle.STOPPING | Bundle.UNINSTALLED)) != 0) {
            return; // the framework is shutting down: modules are left alone, as on reboot
        }
        kernel.bundleWithdrawn(event.getBundle(), what);
    }
}
