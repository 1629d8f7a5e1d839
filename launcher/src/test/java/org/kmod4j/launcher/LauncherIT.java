package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Runs the packaged target/kmod4j.jar in {@code -c} mode as its users do, in a fresh JVM. */
public class LauncherIT {

    private static final String HELLO = property("example.hello");
    private static final String CPUFREQ = property("example.cpufreq");
    private static final String ACPI = property("example.acpi");
    private static final String PCC = property("example.pcc");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private record Run(int status, String out, String err) {
    }

    @Test
    public void insmodLsmodRmmod() throws Exception {
        Run run = kmod4j("insmod " + HELLO + " greeting=hi count=2; lsmod; rmmod hello; lsmod");
        assertEquals(run.err(), 0, run.status());
        String[] lines = run.out().split("\n");
        assertTrue(run.out(), lines[0].startsWith("Module                  Size  Used by"));
        assertTrue(run.out(), lines[1].matches("hello +\\d+  0 +Live"));
        assertEquals(run.out(), "Module                  Size  Used by  State", lines[2]);
        assertEquals(run.out(), 3, lines.length);
    }

    @Test
    public void notAJarIsAnInvalidModuleFormatAndFails() throws Exception {
        Path text = tmp.newFile("hostname").toPath();
        Files.writeString(text, "not a module\n");
        Run run = kmod4j("insmod " + text + "; lsmod");
        assertEquals(1, run.status());
        assertTrue(run.err(), run.err().startsWith("insmod: ERROR: could not insert module " + text + ": Invalid module format"));
        assertFalse("stops at the first failure: " + run.out(), run.out().contains("Module"));
    }

    @Test
    public void secondCpufreqDriverFailsInInitAndTheHolderKeepsCpufreq() throws Exception {
        Run run = kmod4j("insmod " + CPUFREQ + "; insmod " + ACPI + "; lsmod; insmod " + PCC);
        assertEquals(1, run.status());
        assertTrue(run.out(), run.out().matches("(?s).*\ncpufreq +\\d+  1 acpi_cpufreq +Live\n.*"));
        assertTrue(run.err(), run.err().startsWith("insmod: ERROR: could not insert module " + PCC + ": "));
        assertTrue(run.err(), run.err().contains("cpufreq driver acpi-cpufreq already registered"));

        Run held = kmod4j("insmod " + CPUFREQ + "; insmod " + ACPI + "; rmmod cpufreq");
        assertEquals(1, held.status());
        assertEquals("rmmod: ERROR: Module cpufreq is in use by: acpi_cpufreq\n", held.err());

        Run inOrder = kmod4j("insmod " + CPUFREQ + "; insmod " + ACPI + "; rmmod acpi_cpufreq cpufreq; lsmod");
        assertEquals(inOrder.err(), 0, inOrder.status());
        assertEquals("Module                  Size  Used by  State\n", inOrder.out());
    }

    @Test
    public void rmmodOfAModuleNotLoaded() throws Exception {
        Run run = kmod4j("rmmod hello");
        assertEquals(1, run.status());
        assertEquals("rmmod: ERROR: Module hello is not currently loaded\n", run.err());
    }

    @Test
    public void modinfoOfAJarAndOfALoadedModule() throws Exception {
        Run run = kmod4j("modinfo -F name " + HELLO + "; modinfo -F parm " + HELLO
                + "; insmod " + HELLO + " greeting=hi; modinfo hello");
        assertEquals(run.err(), 0, run.status());
        assertTrue(run.out(), run.out().startsWith("hello\ncount:How many times to say it (int)\ngreeting:What to say (string)\n"));
        assertTrue(run.out(), run.out().contains("\nname:           hello\n"));
        assertTrue(run.out(), run.out().contains("\nparmvalue:      greeting=hi\n"));
        assertTrue(run.out(), run.out().contains("\nstate:          live\n"));
    }

    @Test
    public void unknownCommandFails() throws Exception {
        Run run = kmod4j("nosuchcommand");
        assertEquals(1, run.status());
        assertEquals("command not found: nosuchcommand\n", run.err());
    }

    private Run kmod4j(String script) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(property("kmod4j.jar"));
        command.add("--state-dir");
        command.add(tmp.newFolder().toString());
        command.add("-c");
        command.add(script);
        File out = tmp.newFile();
        File err = tmp.newFile();
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kmod4j -c '" + script + "' did not finish in 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set (run through mvn verify)");
        }
        return value;
    }
}
