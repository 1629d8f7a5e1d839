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

    /** No parameters (defaults apply), not permanent: plain {@code insmod FILE}. */
    public static LoadOptions defaults() {
        return new LoadOptions(Map.of(), false);
    }

    /** These parameter values ({@code insmod FILE key=value ...}), in order; not permanent. */
    public static LoadOptions of(Map<String, String> parameters) {
        return new LoadOptions(parameters, false);
    }

    /** A copy that loads the module as permanent ({@code insmod --permanent}) or not. */
    public LoadOptions withPermanent(boolean value) {
        return new LoadOptions(parameters, value);
    }

    /** A copy with these parameter values instead. */
    public LoadOptions withParameters(Map<String, String> values) {
        return new LoadOptions(values, permanent);
    }

    /** Parameter values given on the command line, in order. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Whether the module is loaded as permanent: it can then never be unloaded. */
    public boolean permanent() {
        return permanent;
    }
}
