package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;
import org.osgi.annotation.bundle.Requirement;

/**
 * Declares a bundle a kmod4j module named {@code value} (without it, the module is named after
 * its Bundle-SymbolicName).
 *
 * <pre>{@code
 * @ModuleName("hello")
 * @ModuleDescription("Says hello")
 * @ModuleLicense("GPL")
 * @ModuleParameter(name = "greeting", description = "What to say", defaultValue = "hello")
 * @ModuleInitializer
 * public final class HelloModule implements ModuleInit { ... }
 * }</pre>
 *
 * <p>A bnd bundle annotation: bnd writes the {@code Module-Name} header and a requirement on the
 * kmod4j container ({@code osgi.extender=kmod4j}), so a resolver provisioning the module pulls
 * the container in, as {@code @RequireServiceComponentRuntime} does for Declarative Services.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-Name", value = "${#value}")
@Requirement(namespace = "osgi.extender", name = ModuleName.EXTENDER, version = ModuleName.EXTENDER_VERSION)
public @interface ModuleName {
    /** The extender name the container provides. */
    String EXTENDER = "kmod4j";
    /** The extender version this API needs. */
    String EXTENDER_VERSION = "0.1.0";

    /** The module name: 1-255 of {@code [A-Za-z0-9_.-]}. */
    String value();
}
