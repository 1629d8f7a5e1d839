package org.kmod4j.modprobe;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import aQute.bnd.osgi.repository.SimpleIndexer;
import aQute.bnd.osgi.resource.CapReqBuilder;
import aQute.bnd.osgi.resource.ResourceBuilder;

/**
 * depmod's per-module metadata as a custom capability in namespace {@value #NAMESPACE}:
 * {@code name} (Module-Name, else Bundle-SymbolicName), {@code alias} (Module-Alias patterns),
 * {@code softdep} (Module-Softdep), and {@code size}/{@code lastmodified} of the jar and the Java
 * {@code release} it was described for, which the next depmod uses to reuse the entry of an
 * unchanged jar.
 */
final class ModuleAnalyzer implements SimpleIndexer.FileAnalyzer {
    static final String NAMESPACE = "kmod4j.module";
    static final String NAME = "name";
    static final String ALIAS = "alias";
    static final String SOFTDEP = "softdep";
    static final String SIZE = "size";
    static final String LAST_MODIFIED = "lastmodified";
    /** The Java release the entry was written for: its requirements are that release's. */
    static final String RELEASE = "release";

    @Override
    public void analyzeFile(File file, ResourceBuilder resource) throws Exception {
        Manifest manifest;
        try (JarFile jar = new JarFile(file, false)) {
            manifest = jar.getManifest();
        }
        if (manifest == null) {
            return;
        }
        Attributes main = manifest.getMainAttributes();
        String name = moduleName(main);
        if (name == null) {
            return;
        }
        CapReqBuilder cap = new CapReqBuilder(NAMESPACE).addAttribute(NAME, name);
        List<String> aliases = splitList(main.getValue("Module-Alias"));
        if (!aliases.isEmpty()) {
            cap.addAttribute(ALIAS, aliases);
        }
        String softdep = main.getValue("Module-Softdep");
        if (softdep != null && !softdep.isBlank()) {
            cap.addAttribute(SOFTDEP, softdep.trim());
        }
        cap.addAttribute(SIZE, Files.size(file.toPath()));
        cap.addAttribute(LAST_MODIFIED, Files.getLastModifiedTime(file.toPath()).toMillis());
        cap.addAttribute(RELEASE, (long) ModuleIndex.RELEASE);
        resource.addCapability(cap);
    }

    /** As the container names a module: Module-Name, else the Bundle-SymbolicName without its parameters. */
    static String moduleName(Attributes main) {
        String declared = main.getValue("Module-Name");
        if (declared != null && !declared.isBlank()) {
            return declared.trim();
        }
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null || bsn.isBlank()) {
            return null;
        }
        int semi = bsn.indexOf(';');
        return (semi < 0 ? bsn : bsn.substring(0, semi)).trim();
    }

    /** A comma list; commas inside quotes or a bracket expression do not split. */
    static List<String> splitList(String header) {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        int bracket = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (!quoted) {
                if (c == '[') {
                    bracket++;
                } else if (c == ']' && bracket > 0) {
                    bracket--;
                } else if (c == ',' && bracket == 0) {
                    add(out, sb);
                    continue;
                }
            }
            sb.append(c);
        }
        add(out, sb);
        return out;
    }

    private static void add(List<String> out, StringBuilder sb) {
        String s = sb.toString().trim();
        sb.setLength(0);
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
