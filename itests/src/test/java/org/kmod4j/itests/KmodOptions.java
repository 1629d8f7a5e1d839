package org.kmod4j.itests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the itests find their jars and scratch space. The framework itself comes from the
 * published {@link org.kmod4j.paxexam.KmodTestSupport} every itest extends.
 *
 * <p>Jar locations come from system properties {@code kmod4j.jar.<key>} that the itests pom sets
 * from the reactor (maven-dependency-plugin's {@code properties} goal), so {@code mvn verify}
 * works without {@code install}; {@link org.kmod4j.paxexam.KmodPaxExam} prefers them to its
 * {@code mvn:} URLs.
 */
public final class KmodOptions {

    private KmodOptions() {
    }

    /** The jar registered under {@code kmod4j.jar.<key>} (e.g. {@code tm-good}); fails clearly if unset. */
    public static Path jar(String key) {
        String value = System.getProperty("kmod4j.jar." + key);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property kmod4j.jar." + key + " is not set (got " + value
                    + "): run the itests through Maven (mvn verify), which sets it from the reactor");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("kmod4j.jar." + key + " = " + value + " is not a file: build it first");
        }
        return path.toAbsolutePath();
    }

    /** A scratch directory under {@code target/itest} (system property {@code kmod4j.itest.dir}). */
    public static Path scratchDir(String prefix) {
        try {
            Path base = Path.of(System.getProperty("kmod4j.itest.dir",
                    System.getProperty("java.io.tmpdir") + File.separator + "kmod4j-itest"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
