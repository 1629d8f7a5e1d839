package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * The module license modinfo shows: Linux {@code MODULE_LICENSE}.
 *
 * <p>A bnd bundle annotation: put it on any class of the module (usually its
 * {@link org.kmod4j.api.ModuleInit}); bnd writes the {@code Module-License} header. Like Linux's
 * {@code MODULE_*} macros, one annotation per field.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-License", value = "${#value}")
public @interface ModuleLicense {
    /** The license, e.g. {@code "GPL"} or {@code "Apache-2.0"}. */
    String value();
}
