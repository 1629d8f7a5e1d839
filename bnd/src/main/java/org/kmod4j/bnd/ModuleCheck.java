package org.kmod4j.bnd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.kmod4j.core.ModuleManifest;

import aQute.bnd.osgi.Analyzer;
import aQute.bnd.osgi.Clazz;
import aQute.bnd.osgi.Descriptors.TypeRef;
import aQute.bnd.osgi.Instruction;
import aQute.bnd.service.verifier.VerifierPlugin;

/**
 * A bnd verifier plugin that fails the build of a wrong kmod4j module, so the mistake shows at
 * {@code mvn package} and not at the admin's {@code insmod}. It checks the headers the kmod4j
 * annotations wrote with the container's own rules ({@link ModuleManifest#checkHeaders}, the code
 * a load runs) and the {@code Module-Init} class in the bytecode (it exists in the bundle,
 * implements {@code org.kmod4j.api.ModuleInit}, is public and concrete with a public no-argument
 * constructor). Each error names the annotation, the class carrying it and the rule. A bundle
 * that uses kmod4j annotations without {@code @ModuleName} gets a warning.
 *
 * <p>Use: {@code -plugin: org.kmod4j.bnd.ModuleCheck} in bnd-maven-plugin's {@code <bnd>}
 * configuration with {@code org.kmod4j:kmod4j-bnd} as a dependency of that plugin, or in a bnd
 * workspace's {@code cnf/build.bnd} with {@code path:=} naming this jar, kmod4j-container's and osgi.core's.
 */
public final class ModuleCheck implements VerifierPlugin {
    static final String ANNOTATION_PACKAGE = "org.kmod4j.api.annotation.";
    static final String MODULE_INIT = "org.kmod4j.api.ModuleInit";

    /** Each checked header and the annotations that write it. */
    private static final Map<String, List<String>> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("Module-Name", List.of("ModuleName"));
        SOURCES.put("Module-Init", List.of("ModuleInitializer"));
        SOURCES.put("Module-Parameters", List.of("ModuleParameter", "ModuleParameters"));
        SOURCES.put("Module-Alias", List.of("ModuleAlias"));
        SOURCES.put("Module-Softdep", List.of("ModuleSoftdep"));
        SOURCES.put("Module-Permanent", List.of("ModulePermanent"));
    }

    @Override
    public void verify(Analyzer analyzer) throws Exception {
        Manifest manifest = analyzer.getJar().getManifest();
        if (manifest == null) {
            return;
        }
        Attributes main = manifest.getMainAttributes();
        Map<String, TreeSet<String>> annotated = annotatedClasses(analyzer);
        boolean moduleHeaders = SOURCES.keySet().stream().anyMatch(h -> main.getValue(h) != null);
        if (annotated.isEmpty() && !moduleHeaders) {
            return; // not a module
        }
        // one header at a time, so each error is laid at the annotation that wrote it
        boolean broken = false;
        for (Map.Entry<String, List<String>> source : SOURCES.entrySet()) {
            String value = main.getValue(source.getKey());
            if (value == null) {
                continue;
            }
            Attributes alone = new Attributes();
            alone.putValue("Bundle-SymbolicName", "kmod4j.check");
            alone.putValue(source.getKey(), value);
            try {
                ModuleManifest.checkHeaders(alone);
            } catch (IllegalArgumentException e) {
                analyzer.error("kmod4j: %s: %s", where(source.getKey(), source.getValue(), annotated), e.getMessage());
                broken = true;
            }
        }
        if (broken) {
            return;
        }
        ModuleManifest checked;
        try {
            checked = ModuleManifest.checkHeaders(main); // the rest: Bundle-SymbolicName as a name, Bundle-Version
        } catch (IllegalArgumentException e) {
            analyzer.error("kmod4j: %s", e.getMessage());
            return;
        }
        if (checked.initClass() != null) {
            checkInitClass(analyzer, checked.initClass(), where("Module-Init", SOURCES.get("Module-Init"), annotated));
        }
        if (main.getValue("Module-Name") == null && !annotated.isEmpty()) {
            TreeSet<String> users = new TreeSet<>();
            annotated.values().forEach(users::addAll);
            analyzer.warning("kmod4j: %s use%s kmod4j annotations but the bundle has no @ModuleName: it loads as a module"
                    + " named after its Bundle-SymbolicName '%s'; add @ModuleName(\"...\") to the module class",
                    String.join(", ", users), users.size() == 1 ? "s" : "", checked.name());
        }
    }

    /** The class named by Module-Init: in the bundle, a ModuleInit, creatable as the loader creates it. */
    private static void checkInitClass(Analyzer analyzer, String className, String where) throws Exception {
        TypeRef ref = analyzer.getTypeRefFromFQN(className);
        if (analyzer.getJar().getResource(ref.getPath()) == null) {
            analyzer.error("kmod4j: %s: Module-Init class %s is not in the bundle", where, className);
            return;
        }
        Clazz type = analyzer.findClass(ref);
        if (!type.is(Clazz.QUERY.IMPLEMENTS, new Instruction(MODULE_INIT), analyzer)) {
            analyzer.error("kmod4j: %s: Module-Init class %s does not implement %s", where, className, MODULE_INIT);
        }
        if (!type.isPublic() || type.isAbstract() || type.isInterface()) {
            analyzer.error("kmod4j: %s: Module-Init class %s must be a public concrete class (the container creates it)",
                    where, className);
        } else if (!type.hasPublicNoArgsConstructor()) {
            analyzer.error("kmod4j: %s: Module-Init class %s has no public no-argument constructor (the container"
                    + " creates it with one)", where, className);
        }
    }

    /** "@ModuleName on com.example.A" or, for a header written without the annotation, "header Module-Name". */
    private static String where(String header, List<String> annotations, Map<String, TreeSet<String>> annotated) {
        List<String> parts = new ArrayList<>();
        for (String a : annotations) {
            TreeSet<String> classes = annotated.get(a);
            if (classes != null) {
                parts.add("@" + a + " on " + String.join(", ", classes));
            }
        }
        return parts.isEmpty() ? "header " + header : String.join("; ", parts);
    }

    /** Simple annotation name to the bundle's classes carrying it, for the kmod4j annotations. */
    private static Map<String, TreeSet<String>> annotatedClasses(Analyzer analyzer) {
        Map<String, TreeSet<String>> result = new LinkedHashMap<>();
        for (Clazz c : analyzer.getClassspace().values()) {
            for (TypeRef a : c.annotations()) {
                String fqn = a.getFQN();
                if (fqn.startsWith(ANNOTATION_PACKAGE)) {
                    result.computeIfAbsent(fqn.substring(ANNOTATION_PACKAGE.length()), k -> new TreeSet<>())
                            .add(c.getFQN());
                }
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "kmod4j ModuleCheck";
    }
}
