package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * From the packaged launcher ({@code java -jar target/kmod4j.jar -c}): a module with a holder
 * cannot be removed, forced or not. acpi_cpufreq imports cpufreq's package, so it holds cpufreq; a
 * DS bundle holds Felix SCR through its osgi.extender wire; acc.capuser holds acc.capprovider through
 * its Require-Capability wire.
 */
public class RmmodHolderIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void rmmodOfAHeldModuleFailsWithItsHolder() throws Exception {
        String[] run = kmod4j("insmod " + property("example.cpufreq") + "; insmod " + property("example.acpi")
                + "; rmmod cpufreq");
        assertTrue("exit status " + run[0] + ", stderr: " + run[2], !run[0].equals("0"));
        assertTrue(run[2], run[2].contains("Module cpufreq is in use by: acpi_cpufreq"));
        assertTrue(run[2], run[2].startsWith("rmmod: ERROR: "));
    }

    @Test
    public void forceDoesNotBypassAHolder() throws Exception {
        String[] run = kmod4j("insmod " + property("example.cpufreq") + "; insmod " + property("example.acpi")
                + "; rmmod -f cpufreq");
        assertEquals("stderr: " + run[2], "1", run[0]);
        assertEquals("rmmod: ERROR: Module cpufreq is in use by: acpi_cpufreq\n", run[2]);
    }

    @Test
    public void scrHeldByADeclarativeServicesBundleIsNotRemoved() throws Exception {
        String[] run = kmod4j("insmod " + property("osgi.function") + "; insmod " + property("osgi.promise")
                + "; insmod " + property("osgi.component") + "; insmod " + property("scr")
                + "; insmod " + property("tm.ds") + "; rmmod org.apache.felix.scr");
        assertEquals("stderr: " + run[2], "1", run[0]);
        assertEquals("rmmod: ERROR: Module org.apache.felix.scr is in use by: tm_ds\n", run[2]);
    }

    @Test
    public void aCapabilityProviderHeldByItsUserIsNotRemovedEvenForced() throws Exception {
        String[] run = kmod4j("insmod " + property("tm.capprovider") + "; insmod " + property("tm.capuser")
                + "; rmmod -f acc.capprovider");
        assertEquals("stderr: " + run[2], "1", run[0]);
        assertEquals("rmmod: ERROR: Module acc.capprovider is in use by: acc.capuser\n", run[2]);
    }

    /** Runs {@code kmod4j -c script} in a fresh JVM with a fresh state directory: {status, out, err}. */
    private String[] kmod4j(String script) throws IOException, InterruptedException {
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", property("kmod4j.jar"), "--state-dir", tmp.newFolder().toString(), "-c", script);
        File out = tmp.newFile();
        File err = tmp.newFile();
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kmod4j -c '" + script + "' did not finish in 60 s");
        }
        return new String[] {Integer.toString(process.exitValue()),
                Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8)};
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set (run through mvn verify)");
        }
        return value;
    }
}
