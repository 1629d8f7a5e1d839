package org.kmod4j.modprobe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.osgi.resource.Capability;
import org.osgi.resource.Resource;

import aQute.bnd.osgi.Domain;
import aQute.bnd.osgi.repository.ResourcesRepository;
import aQute.bnd.osgi.repository.XMLResourceGenerator;
import aQute.bnd.osgi.repository.XMLResourceParser;
import aQute.bnd.osgi.resource.ResourceBuilder;

/**
 * The module index: an OSGi R5 repository index ({@value #FILE}) of the module jars of a folder,
 * written by {@link #depmod} (bnd's ResourceBuilder, ResourcesRepository and XMLResourceGenerator,
 * as bnd's SimpleIndexer does, plus {@link ModuleAnalyzer}'s {@code kmod4j.module} capability)
 * and read back with bnd's XMLResourceParser. Linux: depmod writes modules.dep and
 * modules.alias, modprobe reads them.
 */
final class ModuleIndex {
    static final String FILE = "index.xml";
    /** Folders with at least this many jars get progress lines. */
    static final int PROGRESS_THRESHOLD = 100;
    static final int PROGRESS_EVERY = 50;
    /** The Java release the index describes the jars for (see {@link RuntimeManifest}). */
    static final int RELEASE = Runtime.version().feature();

    final Path dir;
    final List<IndexEntry> entries;
    final FileTime stamp;
    final long size;

    private ModuleIndex(Path dir, List<IndexEntry> entries, FileTime stamp, long size) {
        this.dir = dir;
        this.entries = Collections.unmodifiableList(entries);
        this.stamp = stamp;
        this.size = size;
    }

    static Path indexFile(Path dir) {
        return dir.resolve(FILE);
    }

    /**
     * Reads the index of {@code dir}.
     *
     * @throws ModuleException ENOENT if there is none (run depmod), EIO if it cannot be read
     */
    static ModuleIndex read(Path dir) {
        Path file = indexFile(dir);
        try {
            FileTime stamp = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            List<Resource> resources = XMLResourceParser.getResources(file.toFile());
            List<IndexEntry> entries = new ArrayList<>();
            for (Resource r : resources) {
                IndexEntry e = entry(r);
                if (e != null) {
                    entries.add(e);
                }
            }
            return new ModuleIndex(dir, entries, stamp, size);
        } catch (NoSuchFileException e) {
            throw new ModuleException(Errno.ENOENT, "could not open moddep file '" + file + "': No such file or directory (run depmod)");
        } catch (Exception e) {
            throw new ModuleException(Errno.EIO, "could not read module index '" + file + "': " + e, e);
        }
    }

    /** Whether the index file on disk is still the one read. */
    boolean isCurrent() {
        Path file = indexFile(dir);
        try {
            return Files.getLastModifiedTime(file).equals(stamp) && Files.size(file) == size;
        } catch (IOException e) {
            return false;
        }
    }

    /** The modules whose name is {@code name} ('-' and '_' alike). */
    List<IndexEntry> byName(String name) {
        String n = Fnmatch.normalizeName(name);
        return entries.stream().filter(e -> Fnmatch.normalizeName(e.name).equals(n)).collect(Collectors.toList());
    }

    /** The modules with an alias pattern matching {@code alias} (fnmatch, normalised). */
    List<IndexEntry> byAlias(String alias) {
        List<IndexEntry> out = new ArrayList<>();
        for (IndexEntry e : entries) {
            for (String pattern : e.aliases) {
                if (Fnmatch.aliasMatches(pattern, alias)) {
                    out.add(e);
                    break;
                }
            }
        }
        return out;
    }

    static Capability moduleCapability(Resource r) {
        List<Capability> caps = r.getCapabilities(ModuleAnalyzer.NAMESPACE);
        return caps.isEmpty() ? null : caps.get(0);
    }

    private static IndexEntry entry(Resource r) {
        Capability cap = moduleCapability(r);
        if (cap == null) {
            return null;
        }
        Object name = cap.getAttributes().get(ModuleAnalyzer.NAME);
        Path path = contentPath(r);
        if (name == null || path == null) {
            return null;
        }
        List<String> aliases = new ArrayList<>();
        Object alias = cap.getAttributes().get(ModuleAnalyzer.ALIAS);
        if (alias instanceof List) {
            for (Object a : (List<?>) alias) {
                aliases.add(String.valueOf(a));
            }
        } else if (alias != null) {
            aliases.add(String.valueOf(alias));
        }
        Object softdep = cap.getAttributes().get(ModuleAnalyzer.SOFTDEP);
        return new IndexEntry(r, name.toString(), Collections.unmodifiableList(aliases),
                Softdep.parse(softdep == null ? null : softdep.toString()), path);
    }

    /** The jar of a resource: its osgi.content url (the parser made it absolute). */
    static Path contentPath(Resource r) {
        for (Capability c : r.getCapabilities("osgi.content")) {
            Object url = c.getAttributes().get("url");
            if (url != null) {
                try {
                    return Paths.get(URI.create(url.toString())).toAbsolutePath().normalize();
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** What one depmod run did. */
    static final class Result {
        final int modules;
        final int analysed;
        final int reused;
        final List<String> skipped;
        final Path index;

        Result(int modules, int analysed, int reused, List<String> skipped, Path index) {
            this.modules = modules;
            this.analysed = analysed;
            this.reused = reused;
            this.skipped = skipped;
            this.index = index;
        }

        @Override
        public String toString() {
            return "depmod: " + modules + " modules indexed (" + analysed + " analysed, " + reused + " unchanged)"
                    + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped") + " in " + index;
        }
    }

    /**
     * Indexes every {@code *.jar} under {@code dir} (recursively, hidden entries skipped) into
     * {@code dir/index.xml}. Entries of jars whose size and modification time are those the
     * previous index recorded are reused without opening the jar. The index is replaced
     * atomically.
     *
     * @param inspect reads a jar's module metadata ({@link org.kmod4j.api.ModuleContainer#inspect})
     * @param progress gets a progress line every {@value #PROGRESS_EVERY} jars in folders of
     *     {@value #PROGRESS_THRESHOLD} jars or more; may be null
     */
    static Result depmod(Path dir, Function<Path, ModuleInfo> inspect, PrintStream progress) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new ModuleException(Errno.ENOENT, "could not open directory " + root + ": No such file or directory");
        }
        List<Path> jars;
        try (Stream<Path> walk = Files.walk(root)) {
            jars = walk.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(Files::isRegularFile)
                    .filter(p -> !hidden(root, p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, "could not read directory " + root + ": " + e.getMessage(), e);
        }
        Map<Path, Resource> previous = previous(root);
        URI base = root.toUri();
        ModuleAnalyzer analyzer = new ModuleAnalyzer(inspect);
        List<Resource> resources = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        int analysed = 0;
        int reused = 0;
        int done = 0;
        for (Path jar : jars) {
            Resource r = unchanged(previous.get(jar), jar);
            if (r != null) {
                reused++;
            } else {
                r = analyse(jar, base, analyzer, skipped);
                if (r != null) {
                    analysed++;
                }
            }
            if (r != null) {
                String name = Fnmatch.normalizeName(String.valueOf(moduleCapability(r).getAttributes().get(ModuleAnalyzer.NAME)));
                Path other = names.putIfAbsent(name, jar);
                if (other != null) {
                    skipped.add(jar + ": module " + name + " is already provided by " + other);
                } else {
                    resources.add(r);
                }
            }
            done++;
            if (progress != null && jars.size() >= PROGRESS_THRESHOLD && (done % PROGRESS_EVERY == 0 || done == jars.size())) {
                progress.println("depmod: " + done + "/" + jars.size() + " jars");
                progress.flush();
            }
        }
        Path index = indexFile(root);
        write(root, resources, index);
        return new Result(resources.size(), analysed, reused, Collections.unmodifiableList(skipped), index);
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The previous index's resources by jar; nothing if there is none or it cannot be read. */
    private static Map<Path, Resource> previous(Path root) {
        Path file = indexFile(root);
        Map<Path, Resource> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (Resource r : XMLResourceParser.getResources(file.toFile())) {
                Path p = contentPath(r);
                if (p != null && moduleCapability(r) != null) {
                    out.put(p, r);
                }
            }
        } catch (Exception e) {
            // a broken index is rebuilt from scratch
            out.clear();
        }
        return out;
    }

    private static String sha256(Path jar) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(jar), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : digest.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    /** An entry of the previous index, if its jar is unchanged and it was written for this Java release. */
    private static Resource unchanged(Resource old, Path jar) {
        if (old == null) {
            return null;
        }
        Map<String, Object> attrs = moduleCapability(old).getAttributes();
        if (!(attrs.get(ModuleAnalyzer.RELEASE) instanceof Number)
                || ((Number) attrs.get(ModuleAnalyzer.RELEASE)).intValue() != RELEASE) {
            return null;
        }
        try {
            long size = Files.size(jar);
            long mtime = Files.getLastModifiedTime(jar).toMillis();
            if (attrs.get(ModuleAnalyzer.SIZE) instanceof Number && attrs.get(ModuleAnalyzer.LAST_MODIFIED) instanceof Number
                    && ((Number) attrs.get(ModuleAnalyzer.SIZE)).longValue() == size
                    && ((Number) attrs.get(ModuleAnalyzer.LAST_MODIFIED)).longValue() == mtime) {
                return old;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * A jar's resource as the framework will see it on this Java ({@link RuntimeManifest}), with
     * its osgi.content capability (url relative to the folder, SHA-256, size) and the module
     * capability.
     */
    private static Resource analyse(Path jar, URI base, ModuleAnalyzer analyzer, List<String> skipped) {
        try {
            ResourceBuilder builder = new ResourceBuilder();
            Manifest manifest;
            try (JarFile file = new JarFile(jar.toFile(), false)) {
                manifest = RuntimeManifest.read(file, RELEASE);
            }
            if (manifest == null || !builder.addManifest(Domain.domain(manifest))) {
                skipped.add(jar + ": not a bundle");
                return null;
            }
            builder.addContentCapability(base.relativize(jar.toUri()), sha256(jar), Files.size(jar),
                    aQute.bnd.osgi.Constants.MIME_TYPE_BUNDLE);
            analyzer.analyzeFile(jar.toFile(), builder);
            Resource r = builder.build();
            if (moduleCapability(r) == null) {
                skipped.add(jar + ": no module name");
                return null;
            }
            return r;
        } catch (Exception e) {
            skipped.add(jar + ": " + e);
            return null;
        }
    }

    private static void write(Path root, List<Resource> resources, Path index) {
        Path tmp = root.resolve("." + FILE + ".tmp");
        try {
            ResourcesRepository repository = new ResourcesRepository(resources);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                new XMLResourceGenerator().repository(repository).name("kmod4j modules")
                        .increment(System.currentTimeMillis()).base(root.toUri()).save(out);
            }
            try {
                Files.move(tmp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, "could not write " + index + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
