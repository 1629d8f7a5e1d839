package org.kmod4j.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Writes real module jars for core tests. */
final class TestJars {
    private final Path dir;
    private int counter;

    TestJars(Path dir) {
        this.dir = dir;
    }

    /** A jar for module {@code name} whose init is {@link TestModules.Init}, plus extra headers. */
    synchronized Path module(String name, String... headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-SymbolicName", "test." + name);
        h.put("Bundle-Version", "1.0.0");
        h.put("Module-Name", name);
        h.put("Module-Init", TestModules.Init.class.getName());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                h.remove(headers[i]);
            } else {
                h.put(headers[i], headers[i + 1]);
            }
        }
        return jar(name + "-" + (++counter) + ".jar", h);
    }

    Path jar(String file, Map<String, String> headers) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        Path p = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream jar = new JarOutputStream(out, mf)) {
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write(file.getBytes());
            jar.closeEntry();
        }
        return p;
    }

    Path file(String file, byte[] content) throws IOException {
        Path p = dir.resolve(file);
        Files.write(p, content);
        return p;
    }
}
