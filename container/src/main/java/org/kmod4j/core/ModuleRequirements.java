package org.kmod4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ParameterSpec;
import org.osgi.framework.Constants;
import org.osgi.framework.VersionRange;

/**
 * {@code modinfo FILE}'s {@code depends:} for a jar that is not loaded: its mandatory requirements
 * (Import-Package, Require-Bundle, Require-Capability, Fragment-Host; not optional ones, not
 * DynamicImport-Package), each named by the loaded modules that satisfy it, or by itself when
 * none does. What the framework itself provides (java.*, osgi.ee, its API packages) is no
 * dependency.
 */
final class ModuleRequirements {

    /** One requirement as the framework would match it. */
    static final class Requirement {
        final String namespace;
        final String filter;
        /** How depends names it when no loaded module satisfies it. */
        final String label;

        Requirement(String namespace, String filter, String label) {
            this.namespace = namespace;
            this.filter = filter;
            this.label = label;
        }
    }

    private ModuleRequirements() {
    }

    /** The jar's mandatory requirements; empty if a header does not parse (the load reports that). */
    static List<Requirement> mandatory(ModuleManifest m) {
        List<Requirement> out = new ArrayList<>();
        try {
            Set<String> exported = new LinkedHashSet<>();
            for (HeaderClauses.Clause c : HeaderClauses.parse(m.header(Constants.EXPORT_PACKAGE))) {
                exported.add(c.path);
            }
            for (HeaderClauses.Clause c : HeaderClauses.parse(m.header(Constants.IMPORT_PACKAGE))) {
                // an import of its own export (substitutable) can always be satisfied by the jar itself
                if (!optional(c) && !exported.contains(c.path)) {
                    out.add(new Requirement("osgi.wiring.package",
                            and("osgi.wiring.package", c.path, version(c.attribute(Constants.VERSION_ATTRIBUTE), "version")), c.path));
                }
            }
            for (HeaderClauses.Clause c : HeaderClauses.parse(m.header(Constants.REQUIRE_BUNDLE))) {
                if (!optional(c)) {
                    out.add(new Requirement("osgi.wiring.bundle", and("osgi.wiring.bundle", c.path,
                            version(c.attribute(Constants.BUNDLE_VERSION_ATTRIBUTE), Constants.BUNDLE_VERSION_ATTRIBUTE)), c.path));
                }
            }
            for (HeaderClauses.Clause c : HeaderClauses.parse(m.header(Constants.FRAGMENT_HOST))) {
                if (!Constants.EXTENSION_FRAMEWORK.equals(c.attribute(Constants.EXTENSION_DIRECTIVE + ":"))) {
                    out.add(new Requirement("osgi.wiring.host", and("osgi.wiring.host", c.path,
                            version(c.attribute(Constants.BUNDLE_VERSION_ATTRIBUTE), Constants.BUNDLE_VERSION_ATTRIBUTE)), c.path));
                }
            }
            for (HeaderClauses.Clause c : HeaderClauses.parse(m.header(Constants.REQUIRE_CAPABILITY))) {
                String effective = c.attribute(Constants.EFFECTIVE_DIRECTIVE + ":");
                if (!optional(c) && (effective == null || Constants.EFFECTIVE_RESOLVE.equals(effective))) {
                    String filter = c.attribute(Constants.FILTER_DIRECTIVE + ":");
                    out.add(new Requirement(c.path, filter, filter == null ? c.path : c.path + " " + filter));
                }
            }
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        return out;
    }

    /**
     * depends: per requirement the loaded modules that satisfy it, or its label; nothing for what
     * the framework (bundle 0) provides.
     */
    static List<String> depends(Kernel kernel, ModuleManifest m) {
        Set<String> depends = new LinkedHashSet<>();
        RegistrySnapshot snap = kernel.registry.snapshot();
        for (Requirement r : mandatory(m)) {
            Set<Long> providers = kernel.host.providers(r.namespace, r.filter);
            if (providers.contains(0L)) {
                continue;
            }
            Set<String> modules = new LinkedHashSet<>();
            for (long id : providers) {
                KernelModule mod = snap.byBundleId(id);
                if (mod != null && mod.state() != ModuleState.UNFORMED && !mod.name().equals(m.name())) {
                    modules.add(mod.name());
                }
            }
            depends.addAll(modules.isEmpty() ? Set.of(r.label) : modules);
        }
        return new ArrayList<>(depends);
    }

    /** The manifest's info with {@code depends} computed as above. */
    static ModuleInfo withDepends(ModuleManifest m, List<String> depends) {
        Map<String, List<String>> fields = new LinkedHashMap<>(m.fields());
        fields.remove("depends");
        fields.put("depends", List.copyOf(depends));
        Map<String, List<String>> view = Collections.unmodifiableMap(fields);
        return new ModuleInfo() {
            @Override
            public String name() {
                return m.name();
            }

            @Override
            public String version() {
                return m.version();
            }

            @Override
            public String filename() {
                return m.filename();
            }

            @Override
            public long size() {
                return m.size();
            }

            @Override
            public boolean permanent() {
                return m.permanent();
            }

            @Override
            public List<ParameterSpec> parameterSpecs() {
                return m.parameterSpecs();
            }

            @Override
            public Map<String, List<String>> fields() {
                return view;
            }
        };
    }

    private static boolean optional(HeaderClauses.Clause c) {
        return Constants.RESOLUTION_OPTIONAL.equals(c.attribute(Constants.RESOLUTION_DIRECTIVE + ":"));
    }

    private static String version(String range, String attribute) {
        return range == null ? "" : new VersionRange(range).toFilterString(attribute);
    }

    private static String and(String attribute, String value, String versionFilter) {
        String eq = "(" + attribute + "=" + value + ")";
        return versionFilter.isEmpty() ? eq : "(&" + eq + versionFilter + ")";
    }
}
