package org.kmod4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/** Writes module jars and tiny bundles at benchmark setup, with java.util.jar. */
public final class Jars {
    private Jars() {
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** A module jar for the in-memory host: Module-Name {@code name}, Module-Init {@code init} or none. */
    public static Path module(Path dir, String name, Class<?> init) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-SymbolicName", "bench." + name);
        h.put("Bundle-Version", "1.0.0");
        h.put("Module-Name", name);
        if (init != null) {
            h.put("Module-Init", init.getName());
        }
        return write(dir.resolve(name + ".jar"), h);
    }

    /**
     * A real OSGi bundle: its own copy of the given classes (bytes read from this jar), the
     * given headers. The classes' package is private to the bundle.
     */
    public static Path bundle(Path file, Map<String, String> headers, Class<?>... classes) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-Version", "1.0.0");
        h.putAll(headers);
        return write(file, h, classes);
    }

    static Path write(Path file, Map<String, String> headers, Class<?>... classes) {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, mf)) {
            for (Class<?> c : classes) {
                String res = c.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new ZipEntry(res));
                try (InputStream in = Jars.class.getClassLoader().getResourceAsStream(res)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write(file.getFileName().toString().getBytes());
            jar.closeEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }
}
