package com.example.mymodule;

import java.util.Hashtable;
import java.util.function.Supplier;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ParameterType;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.api.annotation.ModuleParameter;
import org.osgi.framework.ServiceRegistration;

/**
 * A kmod4j module: bnd turns the annotations into its manifest headers ({@code Module-Name},
 * {@code Module-Init}, {@code Module-Parameters}, ...). While it is loaded it registers a
 * {@code Supplier<String>} that answers its {@code motd} parameter, {@code repeat} times.
 */
@ModuleName("my_module")
@ModuleDescription("A sample module built outside the kmod4j source tree")
@ModuleAuthor("Example Developer")
@ModuleLicense("Apache-2.0")
@ModuleParameter(name = "motd", description = "The message of the day", defaultValue = "hello from my_module")
@ModuleParameter(name = "repeat", type = ParameterType.INT, description = "How often to repeat it", defaultValue = "1")
@ModuleInitializer
public final class MyModule implements ModuleInit {

    private ServiceRegistration<?> registration;

    @Override
    public void init(ModuleContext context) {
        String motd = String.join(" ", java.util.Collections.nCopies(
                Integer.parseInt(context.parameter("repeat")), context.parameter("motd")));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("module", context.module().name());
        Supplier<String> supplier = () -> motd;
        registration = context.bundleContext().registerService(Supplier.class.getName(), supplier, properties);
        context.log("loaded: " + motd);
    }

    @Override
    public void exit(ModuleContext context) {
        registration.unregister();
        context.log("unloaded");
    }
}
