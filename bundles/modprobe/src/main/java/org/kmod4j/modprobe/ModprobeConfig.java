package org.kmod4j.modprobe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of modprobe.d(5) kmod4j reads: {@code blacklist NAME} and {@code options NAME
 * key=value ...}. '#' starts a comment line, a trailing '\' continues a line, other commands
 * (alias, install, remove, softdep) are ignored. Names are normalised ('-' to '_').
 */
final class ModprobeConfig {
    static final ModprobeConfig EMPTY = new ModprobeConfig(Set.of(), Map.of(), List.of());

    private final Set<String> blacklist;
    private final Map<String, Map<String, String>> options;
    private final List<String> warnings;

    private ModprobeConfig(Set<String> blacklist, Map<String, Map<String, String>> options, List<String> warnings) {
        this.blacklist = blacklist;
        this.options = options;
        this.warnings = warnings;
    }

    /** Reads the file; a missing file is an empty configuration. */
    static ModprobeConfig read(Path file) throws IOException {
        if (file == null) {
            return EMPTY;
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
    }

    static ModprobeConfig parse(String text) {
        Set<String> blacklist = new LinkedHashSet<>();
        Map<String, Map<String, String>> options = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        int lineNo = 0;
        for (String raw : text.split("\\R", -1)) {
            lineNo++;
            if (raw.endsWith("\\")) {
                logical.append(raw, 0, raw.length() - 1).append(' ');
                continue;
            }
            logical.append(raw);
            String line = logical.toString().trim();
            logical.setLength(0);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "blacklist":
                    if (words.length != 2) {
                        warnings.add("line " + lineNo + ": ignoring bad line starting with 'blacklist'");
                    } else {
                        blacklist.add(Fnmatch.normalizeName(words[1]));
                    }
                    break;
                case "options":
                    if (words.length < 2) {
                        warnings.add("line " + lineNo + ": ignoring bad line starting with 'options'");
                    } else {
                        Map<String, String> o = options.computeIfAbsent(Fnmatch.normalizeName(words[1]), k -> new LinkedHashMap<>());
                        for (int i = 2; i < words.length; i++) {
                            int eq = words[i].indexOf('=');
                            o.put(eq < 0 ? words[i] : words[i].substring(0, eq), eq < 0 ? "" : words[i].substring(eq + 1));
                        }
                    }
                    break;
                default:
                    // alias, install, remove, softdep ...: not supported, as harmless as unknown
                    break;
            }
        }
        return new ModprobeConfig(Collections.unmodifiableSet(blacklist), options, Collections.unmodifiableList(warnings));
    }

    boolean isBlacklisted(String module) {
        return blacklist.contains(Fnmatch.normalizeName(module));
    }

    Set<String> blacklist() {
        return blacklist;
    }

    /** {@code options} lines for this module, in order; empty if none. */
    Map<String, String> options(String module) {
        return options.getOrDefault(Fnmatch.normalizeName(module), Map.of());
    }

    List<String> warnings() {
        return warnings;
    }
}
