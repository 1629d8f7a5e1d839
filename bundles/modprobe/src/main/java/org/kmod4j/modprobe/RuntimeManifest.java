package org.kmod4j.modprobe;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The manifest a framework resolves a jar with on a given Java release. For a multi-release jar
 * (OSGi Core R7, 3.3.2) the framework takes Import-Package and Require-Capability from the
 * supplemental manifest {@code META-INF/versions/N/OSGI-INF/MANIFEST.MF} of the highest N not
 * above the running release, if there is one, and the rest from the main manifest. bnd's indexer
 * instead describes every release at once, behind a {@code bnd.multirelease} requirement that
 * only bnd's own resolver satisfies: the index gets this one manifest instead.
 */
final class RuntimeManifest {
    static final String MULTI_RELEASE = "Multi-Release";
    private static final String[] SUPPLEMENTED = {"Import-Package", "Require-Capability"};
    /** Multi-release jars start at Java 9. */
    private static final int FIRST_RELEASE = 9;

    private RuntimeManifest() {
    }

    /** The effective manifest of {@code jar} on {@code release}, null if the jar has none. */
    static Manifest read(JarFile jar, int release) throws IOException {
        Manifest main = jar.getManifest();
        if (main == null || !"true".equalsIgnoreCase(main.getMainAttributes().getValue(MULTI_RELEASE))) {
            return main;
        }
        Manifest effective = new Manifest(main);
        Attributes attributes = effective.getMainAttributes();
        attributes.remove(new Attributes.Name(MULTI_RELEASE)); // what it says is applied here
        for (int n = release; n >= FIRST_RELEASE; n--) {
            JarEntry entry = jar.getJarEntry("META-INF/versions/" + n + "/OSGI-INF/MANIFEST.MF");
            if (entry == null) {
                continue;
            }
            Manifest supplement;
            try (InputStream in = jar.getInputStream(entry)) {
                supplement = new Manifest(in);
            }
            for (String header : SUPPLEMENTED) {
                Attributes.Name name = new Attributes.Name(header);
                String value = supplement.getMainAttributes().getValue(name);
                if (value == null) {
                    attributes.remove(name);
                } else {
                    attributes.put(name, value);
                }
            }
            break;
        }
        return effective;
    }
}
