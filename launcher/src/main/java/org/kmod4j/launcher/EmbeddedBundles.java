package org.kmod4j.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The bundle jars inside kmod4j.jar (resources {@code kmod4j/bundles/<artifactId>.jar}, put
 * there by maven-dependency-plugin at build time).
 */
final class EmbeddedBundles {

    /** The framework extension: installed first, never started (it is a fragment of the system bundle). */
    static final String CONTAINER = "kmod4j-container.jar";

    /** Ordinary bundles every mode needs, in start order. */
    static final List<String> COMMANDS = List.of("org.apache.felix.gogo.command.jar", "kmod4j-commands.jar",
            "kmod4j-management.jar", "kmod4j-modprobe.jar");

    /** Restore, deploy folder, control socket, oops report: started after the commands (the socket runs them). */
    static final String ADMIN = "kmod4j-admin.jar";

    /** The interactive shell: jline and Gogo's jline shell, started last. */
    static final List<String> SHELL = List.of("jline.jar", "org.apache.felix.gogo.jline.jar");

    /** The example modules, loaded as modules (not installed as bundles) from extracted files. */
    static final List<String> EXAMPLES = List.of("hello", "cpufreq", "acpi-cpufreq", "pcc-cpufreq");

    /** The examples loaded at interactive start; pcc-cpufreq stays out (it would fail next to acpi-cpufreq). */
    static final List<String> EXAMPLES_LOADED_AT_START = List.of("hello", "cpufreq", "acpi-cpufreq");

    private static final String PREFIX = "/kmod4j/bundles/";

    private EmbeddedBundles() {
    }

    static InputStream open(String jar) {
        InputStream in = EmbeddedBundles.class.getResourceAsStream(PREFIX + jar);
        if (in == null) {
            throw new IllegalStateException("bundle " + jar + " is missing from the launcher jar");
        }
        return in;
    }

    /** Copies the example jars to {@code dir/<example>.jar} (replacing older copies); returns dir. */
    static Path extractExamples(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String example : EXAMPLES) {
                try (InputStream in = open("kmod4j-example-" + example + ".jar")) {
                    Files.copy(in, dir.resolve(example + ".jar"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the example modules to " + dir, e);
        }
    }
}
