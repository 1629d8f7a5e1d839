package org.kmod4j.admin;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code <state dir>/modules.state}: the modules to load again at start, with their parameters,
 * permanence, the modules they use and where their jar copy is. A properties file (so any
 * value round-trips), entries numbered in load order:
 *
 * <pre>
 * version=1
 * modules=2
 * module.0.name=cpufreq
 * module.0.file=modules/cpufreq-0123456789abcdef.jar     (relative to the state directory)
 * module.0.source=/home/me/cpufreq.jar                    (where it was loaded from first)
 * module.0.sha256=0123...
 * module.0.permanent=false
 * module.0.uses=
 * module.0.param.0=key=value
 * </pre>
 *
 * <p>Written crash-safely: the new content goes to a temporary file in the same directory,
 * which is forced to disk, then atomically renamed over the old file, and the directory is
 * forced too; a reader sees the old state or the new one, never a torn file.
 *
 * <p>Public for readers outside the bundle (the launcher's tests check the file after kill -9).
 */
public final class ModuleStateFile {

    public static final String NAME = "modules.state";
    private static final int VERSION = 1;

    /** One persisted module. {@code file} is relative to the state directory (or absolute). */
    public record Entry(String name, String file, String source, String sha256, boolean permanent, List<String> uses,
            Map<String, String> parameters) {
    }

    private ModuleStateFile() {
    }

    /** The entries of the state file, in recorded order; empty if there is no file. */
    public static List<Entry> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        String version = p.getProperty("version");
        if (!String.valueOf(VERSION).equals(version)) {
            throw new IOException(file + ": unsupported state file version " + version);
        }
        int count;
        try {
            count = Integer.parseInt(p.getProperty("modules", "0"));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": bad module count " + p.getProperty("modules"), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prefix = "module." + i + ".";
            String name = p.getProperty(prefix + "name");
            if (name == null || name.isEmpty()) {
                throw new IOException(file + ": module " + i + " has no name");
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int j = 0; p.containsKey(prefix + "param." + j); j++) {
                String kv = p.getProperty(prefix + "param." + j);
                int eq = kv.indexOf('=');
                parameters.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
            }
            String uses = p.getProperty(prefix + "uses", "");
            entries.add(new Entry(name, p.getProperty(prefix + "file"), p.getProperty(prefix + "source"),
                    p.getProperty(prefix + "sha256"), Boolean.parseBoolean(p.getProperty(prefix + "permanent")),
                    uses.isEmpty() ? List.of() : List.of(uses.split(",")), parameters));
        }
        return entries;
    }

    /** Replaces the state file with these entries: temp file, fsync, atomic rename, fsync of the directory. */
    static void write(Path file, List<Entry> entries) {
        StringBuilder text = new StringBuilder();
        text.append("# kmod4j: the modules to load again at start, in load order (written by kmod4j-admin)\n");
        line(text, "version", String.valueOf(VERSION));
        line(text, "modules", String.valueOf(entries.size()));
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String prefix = "module." + i + ".";
            line(text, prefix + "name", e.name());
            if (e.file() != null) {
                line(text, prefix + "file", e.file());
            }
            if (e.source() != null) {
                line(text, prefix + "source", e.source());
            }
            if (e.sha256() != null) {
                line(text, prefix + "sha256", e.sha256());
            }
            line(text, prefix + "permanent", String.valueOf(e.permanent()));
            line(text, prefix + "uses", String.join(",", e.uses()));
            int j = 0;
            for (Map.Entry<String, String> parameter : e.parameters().entrySet()) {
                line(text, prefix + "param." + j++, parameter.getKey() + "=" + parameter.getValue());
            }
        }
        writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes to {@code file} through a forced temporary file and an atomic rename. */
    static void writeAtomically(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Makes a rename in {@code dir} durable (Linux: fsync on the directory); best effort elsewhere. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a directory; the rename itself is still atomic
        }
    }

    /**
     * The entries in an order that loads every module after the modules it uses (Kahn's
     * algorithm; among modules that are ready, recorded order first). Uses of modules not in
     * the list are ignored; entries on a cycle (which holders rule out) keep their recorded order
     * at the end.
     */
    static List<Entry> dependencyOrder(List<Entry> entries) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            byName.put(e.name(), e);
        }
        List<Entry> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        boolean progress = true;
        while (progress && done.size() < byName.size()) {
            progress = false;
            for (Entry e : byName.values()) {
                if (done.contains(e.name())) {
                    continue;
                }
                boolean ready = e.uses().stream().allMatch(u -> done.contains(u) || !byName.containsKey(u) || u.equals(e.name()));
                if (ready) {
                    done.add(e.name());
                    ordered.add(e);
                    progress = true;
                    break; // restart from the top: recorded order first among the ready ones
                }
            }
        }
        for (Entry e : byName.values()) {
            if (!done.contains(e.name())) {
                ordered.add(e);
            }
        }
        return ordered;
    }

    /** One {@code key=value} line escaped as {@link Properties#store} escapes it. */
    private static void line(StringBuilder text, String key, String value) {
        Properties one = new Properties();
        one.setProperty(key, value);
        StringWriter w = new StringWriter();
        try {
            one.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Arrays.stream(w.toString().split("\r?\n")).filter(l -> !l.startsWith("#")).forEach(l -> text.append(l).append('\n'));
    }
}
