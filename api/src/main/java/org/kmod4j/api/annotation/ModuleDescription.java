package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * The module description modinfo shows: Linux {@code MODULE_DESCRIPTION}.
 *
 * <p>A bnd bundle annotation: put it on any class of the module (usually its
 * {@link org.kmod4j.api.ModuleInit}); bnd writes the {@code Module-Description} header. Like Linux's
 * {@code MODULE_*} macros, one annotation per field.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-Description", value = "${#value}")
public @interface ModuleDescription {
    /** One line saying what the module does. */
    String value();
}
