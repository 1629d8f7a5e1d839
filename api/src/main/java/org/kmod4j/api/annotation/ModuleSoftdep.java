package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * Soft dependencies in kmod syntax, {@code "pre: a b post: c"}: loaded around the module by modprobe, their failure is not fatal. Linux {@code MODULE_SOFTDEP}.
 *
 * <p>A bnd bundle annotation: put it on any class of the module (usually its
 * {@link org.kmod4j.api.ModuleInit}); bnd writes the {@code Module-Softdep} header. Like Linux's
 * {@code MODULE_*} macros, one annotation per field.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-Softdep", value = "${#value}")
public @interface ModuleSoftdep {
    /** The soft dependencies, {@code "pre: a b post: c"}. */
    String value();
}
