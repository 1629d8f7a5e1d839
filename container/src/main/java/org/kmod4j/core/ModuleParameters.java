package org.kmod4j.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ParameterSpec;

/**
 * Checks {@code key=value} arguments against a module's declared parameters (Linux
 * {@code parse_args}). Stricter than Linux: an unknown parameter is an error (EINVAL), not a
 * warning, and it is found before anything is installed.
 */
final class ModuleParameters {

    private ModuleParameters() {
    }

    /**
     * @return every declared parameter's value in declaration order (given, else default; a
     *     parameter with neither is absent)
     * @throws ModuleException EINVAL naming the first bad parameter
     */
    static Map<String, String> resolve(ModuleManifest manifest, Map<String, String> given) {
        Map<String, ParameterSpec> specs = new LinkedHashMap<>();
        for (ParameterSpec s : manifest.parameterSpecs()) {
            specs.put(s.name(), s);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (ParameterSpec s : specs.values()) {
            if (s.defaultValue() != null) {
                values.put(s.name(), s.defaultValue());
            }
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            ParameterSpec spec = specs.get(e.getKey());
            if (spec == null) {
                throw invalid(manifest, "unknown parameter '" + e.getKey() + "'"
                        + (specs.isEmpty() ? " (the module declares none)" : " (known: " + String.join(", ", specs.keySet()) + ")"));
            }
            try {
                values.put(spec.name(), spec.type().canonical(e.getValue() == null ? "" : e.getValue()));
            } catch (IllegalArgumentException x) {
                throw invalid(manifest, "parameter '" + spec.name() + "' (" + spec.type().typeName() + "): " + x.getMessage());
            }
        }
        return Collections.unmodifiableMap(values);
    }

    private static ModuleException invalid(ModuleManifest m, String detail) {
        return new ModuleException(Errno.EINVAL, "could not insert module " + m.filename() + ": Invalid parameters (" + m.name() + ": " + detail + ")");
    }
}
