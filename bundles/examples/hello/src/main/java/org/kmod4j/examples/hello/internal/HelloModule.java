package org.kmod4j.examples.hello.internal;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.examples.hello.Greeter;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.ServiceRegistration;

/**
 * The smallest useful module: says its greeting {@code count} times when it is loaded,
 * registers a {@link Greeter} service while it is live, and says goodbye when it is unloaded.
 * Try {@code insmod hello.jar greeting=hi count=3}.
 */
@Header(name = "Module-Name", value = "hello")
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "Says hello: the smallest kmod4j module")
@Header(name = "Module-Author", value = "The kmod4j authors")
@Header(name = "Module-License", value = "GPL")
@Header(name = "Module-Alias", value = "greeter")
@Header(name = "Module-Parameters", value = "greeting;type=string;description=\"What to say\";default=hello,"
        + " count;type=int;description=\"How many times to say it\";default=1")
public final class HelloModule implements ModuleInit {

    private ServiceRegistration<Greeter> registration;

    @Override
    public void init(ModuleContext context) {
        String greeting = context.parameter("greeting");
        int count = Integer.parseInt(context.parameter("count"));
        for (int i = 0; i < count; i++) {
            context.log(greeting);
        }
        registration = context.bundleContext().registerService(Greeter.class, name -> greeting + ", " + name, null);
    }

    @Override
    public void exit(ModuleContext context) {
        registration.unregister();
        registration = null;
        context.log("goodbye");
    }
}
