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
 * Builds real bundles with bnd from the fixture packages (annotated classes compiled with the
 * tests) and the plugin, as bnd-maven-plugin does, and reads bnd's errors and warnings.
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

    private static Result build(String fixture) throws Exception {
        try (Builder b = new Builder()) {
            b.addClasspath(new File("target/test-classes"));
            // the annotation types (bnd reads their @Header meta-annotations)
            b.addClasspath(new File(ModuleName.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            b.setProperty("Bundle-SymbolicName", "t." + fixture);
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("Private-Package", FIXTURES + fixture);
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
        assertEquals(List.of("kmod4j: @ModuleName on org.kmod4j.bnd.fixtures.badname.BadNameModule: invalid module name"
                + " 'acme clock!': use 1-255 of [A-Za-z0-9_.-]"), build("badname").errors);
    }

    @Test
    public void aDefaultThatIsNotOfTheParameterTypeFails() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleParameter on org.kmod4j.bnd.fixtures.baddefault.BadDefaultModule:"
                + " default of parameter 'offset': not an integer: 'zero'"), build("baddefault").errors);
    }

    @Test
    public void aModuleInitClassThatIsNoModuleInitFails() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleInitializer on org.kmod4j.bnd.fixtures.notinit.NotInitModule: Module-Init"
                + " class org.kmod4j.bnd.fixtures.notinit.NotInitModule does not implement org.kmod4j.api.ModuleInit"),
                build("notinit").errors);
    }

    @Test
    public void aModuleInitClassWithoutNoArgumentConstructorFails() throws Exception {
        assertEquals(List.of("kmod4j: @ModuleInitializer on org.kmod4j.bnd.fixtures.noctor.NoCtorModule: Module-Init"
                + " class org.kmod4j.bnd.fixtures.noctor.NoCtorModule has no public no-argument constructor (the container"
                + " creates it with one)"), build("noctor").errors);
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
        Result r = build("noname");
        assertEquals(List.of(), r.errors);
        assertEquals(List.of("kmod4j: org.kmod4j.bnd.fixtures.noname.NoNameModule uses kmod4j annotations but the bundle"
                + " has no @ModuleName: it loads as a module named after its Bundle-SymbolicName 't.noname'; add"
                + " @ModuleName(\"...\") to the module class"), r.warnings);
    }
}
