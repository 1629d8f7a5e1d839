package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The packaged launcher in a fresh JVM: a module's thread dies of an uncaught exception
 * (tm_oops's init starts it and waits for it) and the launcher's default handler prints the
 * kernel-oops style report with the owning module on the module's frames.
 */
public class ModulesLinkedInIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void anUncaughtExceptionInAModuleThreadNamesTheModulesLinkedIn() throws Exception {
        String hello = property("example.hello");
        String oops = property("tm.oops");
        File out = tmp.newFile();
        File err = tmp.newFile();
        Process process = new ProcessBuilder(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", property("kmod4j.jar"),
                "--state-dir", tmp.newFolder().toString(),
                "-c", "insmod " + hello + "; insmod " + oops + "; lsmod"))
                .redirectOutput(out).redirectError(err).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kmod4j -c did not finish in 60 s");
        }
        String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        String stderr = Files.readString(err.toPath(), StandardCharsets.UTF_8);
        String all = "stdout:\n" + stdout + "\nstderr:\n" + stderr;
        assertEquals("the module still loads (its thread died, not its init): " + all, 0, process.exitValue());
        assertTrue(all, stdout.contains("\ntm_oops "));

        assertTrue(all, stderr.contains("Exception in thread \"tm_oops-worker\" "
                + "java.lang.IllegalStateException: tm_oops: deliberate oops\n"
                + "Modules linked in: hello tm_oops\n"
                + "Comm: tm_oops-worker Not tainted\n"
                + "Call Trace:\n"));
        // the module's frames carry its name, the JDK's do not
        assertTrue(all, Pattern.compile("\n\tat (\\S+/)?org\\.kmod4j\\.testmodules\\.oops\\.OopsModule\\.fail"
                + "\\(OopsModule\\.java:\\d+\\) \\[tm_oops\\]\n").matcher(stderr).find());
        assertTrue(all, Pattern.compile("\n\tat (\\S+/)?org\\.kmod4j\\.testmodules\\.oops\\.OopsModule\\.work"
                + "\\(OopsModule\\.java:\\d+\\) \\[tm_oops\\]\n").matcher(stderr).find());
        assertTrue(all, Pattern.compile("\n\tat java\\.base/java\\.lang\\.Thread\\.run\\(Thread\\.java:\\d+\\)\n")
                .matcher(stderr).find());
        assertTrue(all, stderr.contains("Caused by: java.lang.IllegalArgumentException: the cause\n"));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set (run through mvn verify)");
        }
        return value;
    }
}
