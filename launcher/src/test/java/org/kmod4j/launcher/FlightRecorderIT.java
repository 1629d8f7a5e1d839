package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The container's JFR events as a user sees them: {@code java -XX:StartFlightRecording=... -jar
 * kmod4j.jar -c 'insmod hello.jar; rmmod hello'}, then the JDK's {@code jfr print}.
 */
public class FlightRecorderIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void insmodAndRmmodAreRecordedWithTheirDurations() throws Exception {
        Path recording = tmp.getRoot().toPath().resolve("x.jfr");
        String hello = property("example.hello");
        run(List.of(tool("java"), "-XX:StartFlightRecording=filename=" + recording, "-jar", property("kmod4j.jar"),
                "--state-dir", tmp.newFolder().toString(), "-c", "insmod " + hello + "; insmod --replace " + hello + "; rmmod hello"));

        String load = run(List.of(tool("jfr"), "print", "--events", "org.kmod4j.ModuleLoad", recording.toString()));
        assertTrue(load, load.contains("org.kmod4j.ModuleLoad {"));
        assertTrue(load, load.contains("module = \"hello\""));
        assertTrue("a load takes time: " + load, load.matches("(?s).*duration = [0-9.]+ (ms|s)\\b.*"));
        assertEquals("the load and the replace's new instance: " + load, 2, load.split("org.kmod4j.ModuleLoad \\{", -1).length - 1);

        String unload = run(List.of(tool("jfr"), "print", "--events", "org.kmod4j.ModuleUnload,org.kmod4j.GracePeriod",
                recording.toString()));
        assertEquals("the replaced instance and the rmmod: " + unload, 2, unload.split("org.kmod4j.ModuleUnload \\{", -1).length - 1);
        assertTrue(unload, unload.contains("gracePeriod = "));
        assertTrue(unload, unload.contains("exit = "));
        assertTrue(unload, unload.contains("org.kmod4j.GracePeriod {"));
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        File out = tmp.newFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 90 s");
        }
        String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        assertEquals(command + ": " + output, 0, process.exitValue());
        return output;
    }

    private static String tool(String name) {
        return Paths.get(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set (run through mvn verify)");
        }
        return value;
    }
}
