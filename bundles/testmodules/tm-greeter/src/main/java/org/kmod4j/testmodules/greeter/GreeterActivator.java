package org.kmod4j.testmodules.greeter;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/** Frees the module's resources on stop too (a bundle stopped without exit must not serve). */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class GreeterActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        // nothing: init publishes the service
    }

    @Override
    public void stop(BundleContext context) {
        GreeterService.FREED.set(true);
    }
}
