package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.kmod4j.api.ParameterType;
import org.osgi.annotation.bundle.Header;

/**
 * Declares a module parameter, set with {@code insmod module.jar name=value} and read with
 * {@link org.kmod4j.api.ModuleContext#parameter(String)}: Linux {@code module_param} plus
 * {@code MODULE_PARM_DESC}. Repeat it for each parameter; bnd joins them into the
 * {@code Module-Parameters} header. A value of the wrong type, or an undeclared name, fails the
 * load with EINVAL before anything is installed.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@Repeatable(ModuleParameters.class)
@Header(name = "Module-Parameters",
        value = "${#name};type=${#type};description=\"${#description}\";default=\"${#defaultValue}\"")
public @interface ModuleParameter {
    /** The parameter name: letters, digits, {@code _} and {@code -}. */
    String name();

    /** The parameter's type; values given at load are checked against it. */
    ParameterType type() default ParameterType.STRING;

    /** What modinfo shows for it; must not contain a double quote. */
    String description() default "";

    /** The value when none is given; empty means no default. */
    String defaultValue() default "";
}
