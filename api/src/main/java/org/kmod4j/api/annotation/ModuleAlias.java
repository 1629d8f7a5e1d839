package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * Names modprobe finds the module by; shell wildcards allowed: Linux {@code MODULE_ALIAS}.
 *
 * <p>A bnd bundle annotation: put it on any class of the module (usually its
 * {@link org.kmod4j.api.ModuleInit}); bnd writes the {@code Module-Alias} header. Like Linux's
 * {@code MODULE_*} macros, one annotation per field.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-Alias", value = "${#value}")
public @interface ModuleAlias {
    /** The aliases, e.g. {@code "greeter"} or {@code "pci:v00008086d*"}. */
    String[] value();
}
