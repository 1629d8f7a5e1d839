package org.kmod4j.api;

import java.util.Objects;

/** A declared module parameter: {@code name:description (type)} in modinfo. */
public final class ParameterSpec {
    private final String name;
    private final ParameterType type;
    private final String description;
    private final String defaultValue;

    public ParameterSpec(String name, ParameterType type, String description, String defaultValue) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.description = description == null ? "" : description;
        this.defaultValue = defaultValue;
    }

    public String name() {
        return name;
    }

    public ParameterType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** The default value, or {@code null} if the parameter has none. */
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public String toString() {
        return name + ":" + description + " (" + type.typeName() + ")";
    }
}
