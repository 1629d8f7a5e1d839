package org.kmod4j.testmodules.initfail;

import java.util.Hashtable;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/** Registers a marker service on start, so a test can check that a failed load left none. */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class InitFailActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Trace.record(InitFailModule.NAME, "activator.start");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", InitFailModule.NAME);
        context.registerService(Runnable.class.getName(), (Runnable) () -> { }, props);
    }

    @Override
    public void stop(BundleContext context) {
        Trace.record(InitFailModule.NAME, "activator.stop");
    }
}
