package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/**
 * depmod and modprobe in the product, on real bundles from Maven Central (test dependencies
 * copied to target/real-modules): jackson core/annotations/databind 2.17.2, commons-lang3 3.14.0
 * and slf4j-api 2.0.13 (multi-release jars), guava with failureaccess, Felix SCR 2.2.10 with the
 * OSGi component, promise and function bundles. The folder is given with {@code --modules-dir}.
 */
public class ModprobeRealJarsIT {

    private static final String DATABIND = "com.fasterxml.jackson.core.jackson-databind";
    private static final String CORE = "com.fasterxml.jackson.core.jackson-core";
    private static final String ANNOTATIONS = "com.fasterxml.jackson.core.jackson-annotations";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** A modules directory of its own: depmod writes index.xml into it. */
    private Path modules() throws IOException {
        Path dir = tmp.newFolder("modules").toPath();
        try (Stream<Path> jars = Files.list(Paths.get(Kmod4jProcesses.property("real.modules")))) {
            for (Path jar : jars.collect(Collectors.toList())) {
                Files.copy(jar, dir.resolve(jar.getFileName()));
            }
        }
        return dir;
    }

    private Run script(Path modules, String script) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-jar", Kmod4jProcesses.JAR,
                "--state-dir", tmp.newFolder().toString(), "--modules-dir", modules.toString(), "-c", script));
        return Kmod4jProcesses.run(new ProcessBuilder(command));
    }

    /** The module names of lsmod's rows, in its order (newest first). */
    private static List<String> lsmodNames(String lsmod) {
        List<String> names = new ArrayList<>();
        for (String line : lsmod.split("\n")) {
            if (!line.startsWith("Module ") && !line.isBlank() && !line.startsWith("depmod:")) {
                names.add(line.split("\\s+")[0]);
            }
        }
        return names;
    }

    @Test
    public void jacksonDatabindLoadsCoreAndAnnotationsFirstAndModprobeRemovesAllThree() throws Exception {
        Path modules = modules();
        Run run = script(modules, "depmod; modprobe " + DATABIND + "; lsmod");
        assertEquals(run.toString(), 0, run.status());
        List<String> loaded = lsmodNames(run.out());
        assertEquals(run.out(), 3, loaded.size());
        assertEquals("databind last, so first in lsmod: " + run.out(), DATABIND, loaded.get(0));
        assertTrue(run.out(), loaded.containsAll(List.of(CORE, ANNOTATIONS)));
        for (String line : run.out().split("\n")) {
            if (line.startsWith(CORE) || line.startsWith(ANNOTATIONS)) {
                assertTrue("held by databind, whole names: " + line, line.matches(".*\\s1 " + DATABIND + "\\s+Live$"));
            } else if (line.startsWith(DATABIND)) {
                assertTrue(line, line.endsWith("Live"));
            }
        }
        assertFalse("no SLF4J lines from the embedded bndlib: " + run, (run.out() + run.err()).contains("SLF4J"));
        String index = Files.readString(modules.resolve("index.xml"));
        assertFalse("the index describes the jars for this Java, not for bnd's resolver",
                index.contains("bnd.multirelease"));
        for (String multiRelease : List.of(CORE, "org.apache.commons.lang3", "slf4j.api")) {
            assertContains(index, "\"" + multiRelease + "\"");
        }

        Run removed = script(modules, "modprobe " + DATABIND + "; modprobe -r " + DATABIND + "; lsmod");
        assertEquals(removed.toString(), 0, removed.status());
        assertEquals("all three gone: " + removed.out(), List.of(), lsmodNames(removed.out()));
    }

    @Test
    public void overTheControlSocketUnknownNamesLoadNothingAndScrAndGuavaComeWithTheirDependencies() throws Exception {
        Path modules = modules();
        Path state = tmp.newFolder("state").toPath();
        Path cwd = tmp.getRoot().toPath();
        try (Container container = Kmod4jProcesses.start(state, tmp.newFolder("logs").toPath(), "--no-deploy",
                "--modules-dir", modules.toString()).awaitReady()) {
            assertEquals(0, Kmod4jProcesses.client(cwd, state, "depmod").status());

            Run unknown = Kmod4jProcesses.client(cwd, state, "modprobe", "no.such.module");
            assertEquals(1, unknown.status());
            assertEquals("modprobe: ERROR: Module no.such.module not found in directory " + modules + "\n", unknown.err());
            assertEquals("nothing loaded", List.of(), lsmodNames(Kmod4jProcesses.client(cwd, state, "lsmod").out()));

            Run scr = Kmod4jProcesses.client(cwd, state, "modprobe org.apache.felix.scr; modprobe com.google.guava;"
                    + " modprobe org.apache.commons.lang3; lsmod; dmesg");
            assertEquals(scr.toString(), 0, scr.status());
            List<String> loaded = lsmodNames(scr.out().substring(0, scr.out().indexOf("[")));
            assertEquals(scr.out(), List.of("org.apache.commons.lang3", "com.google.guava", "com.google.guava.failureaccess",
                    "org.apache.felix.scr"), loaded.subList(0, 4));
            assertTrue("SCR's dependencies, loaded before it: " + loaded, loaded.subList(4, loaded.size()).containsAll(
                    List.of("org.osgi.service.component", "org.osgi.util.promise", "org.osgi.util.function")));
            assertFalse(container.log(), Files.readString(container.err).contains("SLF4J"));
        }
    }
}
