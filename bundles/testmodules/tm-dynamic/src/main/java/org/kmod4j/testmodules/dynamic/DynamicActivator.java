package org.kmod4j.testmodules.dynamic;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.Supplier;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Registers a Supplier that, when called, loads tm_lib's Greeter through the bundle's own class
 * loader: the DynamicImport-Package wire to tm_lib is made at that moment, not at resolve.
 */
@Header(name = "Module-Name", value = "tm_dynamic")
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class DynamicActivator implements BundleActivator {
    static final String GREETER = "org.kmod4j.testmodules.lib.Greeter";

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", "tm_dynamic");
        Supplier<String> greeting = () -> {
            try {
                Class<?> greeter = DynamicActivator.class.getClassLoader().loadClass(GREETER);
                return (String) greeter.getMethod("greet", String.class).invoke(null, "tm_dynamic");
            } catch (ReflectiveOperationException e) {
                return "no greeter: " + e;
            }
        };
        context.registerService(Supplier.class, greeting, props);
    }

    @Override
    public void stop(BundleContext context) {
        // the service goes with the bundle
    }
}
