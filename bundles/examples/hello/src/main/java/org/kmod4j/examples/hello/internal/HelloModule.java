package org.kmod4j.examples.hello.internal;

import java.util.function.Function;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ParameterType;
import org.kmod4j.api.annotation.ModuleAlias;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.api.annotation.ModuleParameter;
import org.kmod4j.examples.hello.Greeter;
import org.osgi.framework.ServiceRegistration;

/**
 * The smallest useful module, and the <em>parameters</em> example: says its greeting
 * {@code count} times when it is loaded, registers a {@link Greeter} service while it is live,
 * and says goodbye when it is unloaded. Every module header comes from the
 * {@code org.kmod4j.api.annotation} annotations below; {@code @ModuleParameter} declares typed
 * parameters with descriptions and defaults, read back with {@link ModuleContext#parameter}.
 *
 * <p>Try it in the shell:
 * <pre>
 * g! modinfo -F parm hello.jar              # greeting:What to say (string) ...
 * g! insmod hello.jar greeting=hi count=3
 * g! dmesg | grep hello                     # hello: hi (three times)
 * g! rmmod hello
 * g! insmod hello.jar count=many            # ERROR: ... Invalid argument (EINVAL: not an int)
 * </pre>
 */
@ModuleName("hello")
@ModuleDescription("Says hello: the smallest kmod4j module")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
@ModuleAlias("greeter")
@ModuleParameter(name = "greeting", description = "What to say", defaultValue = "hello")
@ModuleParameter(name = "count", type = ParameterType.INT, description = "How many times to say it", defaultValue = "1")
@ModuleInitializer
public final class HelloModule implements ModuleInit {

    private ServiceRegistration<?> registration;

    @Override
    public void init(ModuleContext context) {
        String greeting = context.parameter("greeting");
        int count = context.intParameter("count");
        for (int i = 0; i < count; i++) {
            context.log(greeting);
        }
        Greeter greeter = name -> greeting + ", " + name;
        // also as the JDK Function it is, so a client can follow it without importing this package
        registration = context.bundleContext().registerService(
                new String[] {Greeter.class.getName(), Function.class.getName()}, greeter, null);
    }

    @Override
    public void exit(ModuleContext context) {
        registration.unregister();
        registration = null;
        context.log("goodbye");
    }
}
