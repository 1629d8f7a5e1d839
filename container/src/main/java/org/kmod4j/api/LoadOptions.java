package org.kmod4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** How to load a module: {@code insmod FILE [key=value ...] [--permanent]}. */
public final class LoadOptions {
    private final Map<String, String> parameters;
    private final boolean permanent;

    private LoadOptions(Map<String, String> parameters, boolean permanent) {
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.permanent = permanent;
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Map.of(), false);
    }

    public static LoadOptions of(Map<String, String> parameters) {
        return new LoadOptions(parameters, false);
    }

    public LoadOptions withPermanent(boolean value) {
        return new LoadOptions(parameters, value);
    }

    public LoadOptions withParameters(Map<String, String> values) {
        return new LoadOptions(values, permanent);
    }

    /** Parameter values given on the command line, in order. */
    public Map<String, String> parameters() {
        return parameters;
    }

    public boolean permanent() {
        return permanent;
    }
}
