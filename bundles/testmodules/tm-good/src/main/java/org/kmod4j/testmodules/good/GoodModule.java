package org.kmod4j.testmodules.good;

import java.util.Hashtable;
import java.util.function.Supplier;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.ServiceRegistration;

/**
 * A well-behaved module. init records the state it runs in and registers a
 * {@code Supplier<String>} service with {@code kmod4j.testmodule=tm_good}; exit records its
 * state and unregisters the service.
 */
@Header(name = "Module-Name", value = GoodModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module that loads and unloads cleanly")
@Header(name = "Module-Author", value = "kmod4j developers")
@Header(name = "Module-License", value = "Apache-2.0")
@Header(name = "Module-Alias", value = "tm-good-alias")
public class GoodModule implements ModuleInit {
    public static final String NAME = "tm_good";

    private ServiceRegistration<?> registration;

    @Override
    public void init(ModuleContext context) {
        Trace.record(NAME, "init:" + context.module().state());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", NAME);
        Supplier<String> hello = () -> "hello from " + NAME;
        registration = context.bundleContext().registerService(Supplier.class.getName(), hello, props);
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record(NAME, "exit:" + context.module().state());
        registration.unregister();
    }
}
