package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * Marks the module's {@link org.kmod4j.api.ModuleInit} class: the container calls its
 * {@code init} while the module is COMING and its {@code exit} while it is GOING (Linux
 * {@code module_init}/{@code module_exit}). bnd writes {@code Module-Init: <this class>}.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Header(name = "Module-Init", value = "${@class}")
public @interface ModuleInitializer {
}
