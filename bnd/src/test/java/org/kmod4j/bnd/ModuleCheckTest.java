package org.kmod4j.bnd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.kmod4j.api.annotation.ModuleName;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

/**
 * Builds real bundles with bnd and the plugin, as bnd-maven-plugin does, and reads bnd's errors
 * and warnings: from the fixture packages compiled with the tests, and from the modules of the
 * Maven projects in src/it (which the invoker also builds with {@code mvn package}).
 */
public class ModuleCheckTest {
    private static final String FIXTURES = "org.kmod4j.bnd.fixtures.";

    /** bnd's errors and warnings for a bundle of one fixture package. */
    private static final class Result {
        final List<String> errors;
        final List<String> warnings;
        final String moduleName;

        Result(List<String> errors, List<String> warnings, String moduleName) {
            this.errors = errors;
            this.warnings = warnings;
            this.moduleName = moduleName;
        }
    }

    /** A bundle of the fixture package {@code org.kmod4j.bnd.fixtures.<fixture>} compiled with the tests. */
    private static Result build(String fixture) throws Exception {
        return build(new File("target/test-classes"), FIXTURES + fixture, "t." + fixture);
    }

    /**
     * A bundle of the module of Maven project {@code src/it/wrong-modules/<project>} (the projects the invoker
     * runs through a real {@code mvn package}), compiled here with javac.
     */
    private static Result buildProject(String project, String pkg) throws Exception {
        File out = new File("target/it-classes/" + project);
        out.mkdirs();
        List<String> args = new java.util.ArrayList<>(List.of("-d", out.getPath(), "-cp", System.getProperty("java.class.path"),
                "-proc:none"));
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(
                java.nio.file.Path.of("src/it/wrong-modules", project, "src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])));
        return build(out, pkg, project);
    }

    private static Result build(File classes, String pkg, String bsn) throws Exception {
        try (Builder b = new Builder()) {
            b.addClasspath(classes);
            // the annotation types (bnd reads their @Header meta-annotations)
            b.addClasspath(new File(ModuleName.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            b.setProperty("Bundle-SymbolicName", bsn);
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("Private-Package", pkg);
            b.addBasicPlugin(new ModuleCheck());
            Jar jar = b.build();
            return new Result(kmod4j(b.getErrors()), kmod4j(b.getWarnings()),
                    jar.getManifest().getMainAttributes().getValue("Module-Name"));
        }
    }

    private static List<String> kmod4j(List<String> messages) {
        return messages.stream().filter(m -> m.contains("kmod4j:")).collect(Collectors.toList());
    }

    @Test
    public void aRightModulePassesWithoutWarnings() throws Exception {
        Result r = build("good");
        assertEquals(List.of(), r.errors);
        assertEquals(List.of(), r.warnings);
        assertEquals("good", r.moduleName);
    }

    @Test
    public void aBadModuleNameNamesTheAnnotationTheClassAndTheRule() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleName on org.kmod4j.it.badname.BadNameModule: invalid module name"
                + " 'acme clock!': use 1-255 of [A-Za-z0-9_.-]"), buildProject("bad-name", "org.kmod4j.it.badname").errors);
    }

    @Test
    public void aDefaultThatIsNotOfTheParameterTypeFails() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleParameter on org.kmod4j.it.baddefault.BadDefaultModule:"
                + " default of parameter 'offset': not an integer: 'zero'"), buildProject("bad-default", "org.kmod4j.it.baddefault").errors);
    }

    @Test
    public void aModuleInitClassThatIsNoModuleInitFails() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleInitializer on org.kmod4j.it.notinit.NotInitModule: Module-Init"
                + " class org.kmod4j.it.notinit.NotInitModule does not implement org.kmod4j.api.ModuleInit"),
                buildProject("init-not-moduleinit", "org.kmod4j.it.notinit").errors);
    }

    @Test
    public void aModuleInitClassWithoutNoArgumentConstructorFails() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleInitializer on org.kmod4j.it.noctor.NoCtorModule: Module-Init"
                + " class org.kmod4j.it.noctor.NoCtorModule has no public no-argument constructor (the container"
                + " creates it with one)"), buildProject("init-no-constructor", "org.kmod4j.it.noctor").errors);
    }

    @Test
    public void softdepAndAliasSyntaxAreChecked() throws Exception {
        List<String> errors = build("badsoftdep").errors;
        assertEquals(errors.toString(), 2, errors.size());
        assertTrue(errors.get(0), errors.get(0).startsWith(
                "kmod4j: @ModuleAlias on org.kmod4j.bnd.fixtures.badsoftdep.BadSoftdepModule: malformed alias header:"));
        assertEquals("kmod4j: @ModuleSoftdep on org.kmod4j.bnd.fixtures.badsoftdep.BadSoftdepModule: Module-Softdep"
                + " 'clock pre: rtc': 'clock' before pre: or post:", errors.get(1));
    }

    @Test
    public void kmod4jAnnotationsWithoutModuleNameWarn() throws Exception {
        Result r = buildProject("no-module-name", "org.kmod4j.it.noname");
        assertEquals(List.of(), r.errors);
        assertEquals(List.of("kmod4j: org.kmod4j.it.noname.NoNameModule uses kmod4j annotations but the bundle"
                + " has no @ModuleName: it loads as a module named after its Bundle-SymbolicName 'no-module-name'; add"
                + " @ModuleName(\"...\") to the module class"), r.warnings);
    }
}
