package org.kmod4j.api.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The container of repeated {@link ModuleParameter} annotations. */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ModuleParameters {
    /** The repeated parameters, in declaration order. */
    ModuleParameter[] value();
}
