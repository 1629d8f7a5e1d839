package org.kmod4j.testmodules.greeter;

import java.util.Hashtable;
import java.util.function.Function;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.ServiceRegistration;

/**
 * Registers a {@code java.util.function.Function<String,String>} service with
 * {@code kmod4j.testmodule=tm_greeter} in init (a JDK interface: callers need no wiring to this
 * module, so it has no holders and can be swapped under load). exit unregisters it and then
 * frees the module's "resources" ({@link GreeterService#FREED}); a call that runs after that
 * answers {@link GreeterService#ERROR} instead of a greeting.
 */
@Header(name = "Module-Name", value = GreeterModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module: a greeter service that detects calls after exit")
@Header(name = "Module-License", value = "Apache-2.0")
public class GreeterModule implements ModuleInit {
    public static final String NAME = "tm_greeter";

    private ServiceRegistration<?> registration;

    @Override
    public void init(ModuleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", NAME);
        props.put("kmod4j.generation", context.module().bundle().getBundleId());
        Function<String, String> greeter = new GreeterService();
        registration = context.bundleContext().registerService(Function.class.getName(), greeter, props);
    }

    @Override
    public void exit(ModuleContext context) {
        // a well-behaved module: unpublish first, then free
        registration.unregister();
        GreeterService.FREED.set(true);
    }
}
