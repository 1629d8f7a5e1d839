#set( $moduleName = $artifactId.replace("-", "_") )
package ${package}.internal;

import java.util.Collections;
import java.util.Hashtable;

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

import ${package}.api.Motd;

/**
 * The module: bnd turns the annotations into its manifest headers ({@code Module-Name},
 * {@code Module-Init}, {@code Module-Parameters}, ...). While it is loaded it registers a
 * {@link Motd} service that answers its {@code motd} parameter, {@code repeat} times.
 */
@ModuleName("${moduleName}")
@ModuleDescription("The message of the day")
@ModuleAuthor("Example Developer")
@ModuleLicense("Apache-2.0")
@ModuleParameter(name = "motd", description = "The message of the day", defaultValue = "hello")
@ModuleParameter(name = "repeat", type = ParameterType.INT, description = "How often to repeat it", defaultValue = "1")
@ModuleInitializer
public final class MotdModule implements ModuleInit {

    private ServiceRegistration<Motd> registration;

    @Override
    public void init(ModuleContext context) {            // module_init: the module is COMING
        String message = String.join(" ",
                Collections.nCopies(context.intParameter("repeat"), context.parameter("motd")));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("module", context.module().name());
        registration = context.bundleContext().registerService(Motd.class, () -> message, properties);
        context.log("loaded: " + message);
    }

    @Override
    public void exit(ModuleContext context) {            // module_exit: the module is GOING
        registration.unregister();
        context.log("unloaded");
    }
}
