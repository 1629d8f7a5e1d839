package org.kmod4j.testmodules.good;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/** Records that the container started and stopped the bundle around init and exit. */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class GoodActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Trace.record(GoodModule.NAME, "activator.start");
    }

    @Override
    public void stop(BundleContext context) {
        Trace.record(GoodModule.NAME, "activator.stop");
    }
}
