package org.kmod4j.testmodules.plain;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * A plain OSGi bundle: no Module-Name, no Module-Init. The container names the module after
 * the Bundle-SymbolicName and runs only this activator.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class PlainActivator implements BundleActivator {
    static final String KEY = "plain";

    @Override
    public void start(BundleContext context) {
        Trace.record(KEY, "activator.start");
    }

    @Override
    public void stop(BundleContext context) {
        Trace.record(KEY, "activator.stop");
    }
}
