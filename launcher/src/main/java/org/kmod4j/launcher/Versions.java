package org.kmod4j.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine;

/** Versions recorded at build time (resource filtered by Maven): kmod4j, Felix, Gogo runtime. */
final class Versions implements CommandLine.IVersionProvider {

    private static final Properties VERSIONS = load();

    static String kmod4j() {
        return VERSIONS.getProperty("kmod4j.version");
    }

    static String felix() {
        return VERSIONS.getProperty("felix.version");
    }

    static String gogoRuntime() {
        return VERSIONS.getProperty("gogo.runtime.version");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kmod4j " + kmod4j() + " (Apache Felix " + felix() + ", Gogo runtime " + gogoRuntime()
                + ", Java " + System.getProperty("java.version") + ")"};
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties missing from the launcher jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
