package org.kmod4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Module parameters as kmod reads them from a command line ({@code insmod}, {@code modprobe}):
     * {@code key=value}, where the value may itself contain '=' (only the first one splits); a
     * bare {@code key} is the key with an empty value; a later occurrence of a key replaces an
     * earlier one.
     *
     * @throws ModuleException EINVAL for a token with no name ({@code =x})
     */
    public static Map<String, String> parseParameters(List<String> tokens) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String token : tokens) {
            int eq = token.indexOf('=');
            String key = eq < 0 ? token : token.substring(0, eq);
            if (key.isEmpty()) {
                throw new ModuleException(Errno.EINVAL, "Invalid parameters: '" + token + "' has no name");
            }
            parameters.put(key, eq < 0 ? "" : token.substring(eq + 1));
        }
        return parameters;
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
