package org.kmod4j.testmodules.activatorfail;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/** start throws, so the bundle never becomes ACTIVE and the module's init must not run. */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class FailingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Trace.record(ActivatorFailModule.NAME, "activator.start");
        throw new IllegalStateException(ActivatorFailModule.NAME + ": activator refuses to start");
    }

    @Override
    public void stop(BundleContext context) {
        Trace.record(ActivatorFailModule.NAME, "activator.stop");
    }
}
