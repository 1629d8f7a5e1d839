package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * Makes the module permanent: once loaded it can never be unloaded, not even with
 * {@code rmmod -f} (Linux: a module with an init and no exit). bnd writes
 * {@code Module-Permanent: true}.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-Permanent", value = "true")
public @interface ModulePermanent {
}
