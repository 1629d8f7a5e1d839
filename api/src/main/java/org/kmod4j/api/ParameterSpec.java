package org.kmod4j.api;

import java.util.Objects;

/** A declared module parameter: {@code name:description (type)} in modinfo. */
public final class ParameterSpec {
    private final String name;
    private final ParameterType type;
    private final String description;
    private final String defaultValue;

    /**
     * @param name the parameter name
     * @param type its type
     * @param description what modinfo shows; null is taken as empty
     * @param defaultValue the value when none is given, or null for none
     */
    public ParameterSpec(String name, ParameterType type, String description, String defaultValue) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.description = description == null ? "" : description;
        this.defaultValue = defaultValue;
    }

    /** The parameter name, as given on the insmod command line. */
    public String name() {
        return name;
    }

    /** The parameter's type; values are checked against it at load. */
    public ParameterType type() {
        return type;
    }

    /** What modinfo shows for the parameter; empty if none. */
    public String description() {
        return description;
    }

    /** The default value, or {@code null} if the parameter has none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** modinfo's {@code parm} form: {@code name:description (type)}. */
    @Override
    public String toString() {
        return name + ":" + description + " (" + type.typeName() + ")";
    }
}
