package org.kmod4j.testmodules.user;

import java.util.Hashtable;
import java.util.function.Supplier;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.testmodules.lib.Greeter;
import org.osgi.annotation.bundle.Header;

/** Uses tm_lib's exported class from init, so it cannot resolve without tm_lib. */
@Header(name = "Module-Name", value = UserModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module that uses tm_lib")
@Header(name = "Module-License", value = "Apache-2.0")
public class UserModule implements ModuleInit {
    public static final String NAME = "tm_user";

    @Override
    public void init(ModuleContext context) {
        String greeting = Greeter.greet(NAME);
        Trace.record(NAME, "init:" + greeting);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", NAME);
        Supplier<String> supplier = () -> greeting;
        context.bundleContext().registerService(Supplier.class.getName(), supplier, props);
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record(NAME, "exit:" + context.module().state());
    }
}
