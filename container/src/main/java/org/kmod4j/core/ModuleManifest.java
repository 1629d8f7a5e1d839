package org.kmod4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleHeaders;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.ParameterType;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * A module jar's manifest, read and checked before any framework work, so a load knows the
 * module's name (and rejects a bad jar) without touching the container: Linux's
 * {@code elf_validity_cache_copy} and {@code check_modinfo}.
 */
public final class ModuleManifest implements ModuleInfo, AutoCloseable {
    /** Module names: what a file name and a Gogo argument carry safely; no path separators. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final Pattern JAVA_CLASS = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
    /** A manifest larger than this is refused before it is read into memory. */
    static final long MAX_MANIFEST_BYTES = 1 << 20;

    private final Path path;
    /** The private copy every step after the first read uses. */
    private final Path source;
    private final String name;
    private final String symbolicName;
    private final String version;
    private final long size;
    private final String digest;
    private final String initClass;
    private final boolean permanent;
    private final List<ParameterSpec> parameterSpecs;
    private final Map<String, List<String>> fields;
    private final Attributes main;

    private ModuleManifest(Path path, Path source, Attributes main, long size, String digest) {
        this.main = main;
        this.path = path;
        this.source = source;
        this.size = size;
        this.digest = digest;
        String bsn = main.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (bsn == null || bsn.isBlank()) {
            throw invalid("no Bundle-SymbolicName");
        }
        List<HeaderClauses.Clause> bsnClauses = clauses(Constants.BUNDLE_SYMBOLICNAME, bsn);
        if (bsnClauses.size() != 1) {
            throw invalid("Bundle-SymbolicName must have exactly one name");
        }
        this.symbolicName = bsnClauses.get(0).path;
        String declared = main.getValue(ModuleHeaders.NAME);
        this.name = declared != null ? declared.trim() : symbolicName;
        if (!NAME.matcher(name).matches()) {
            throw invalid("invalid module name '" + name + "': use 1-255 of [A-Za-z0-9_.-]");
        }
        String v = main.getValue(Constants.BUNDLE_VERSION);
        try {
            this.version = Version.parseVersion(v == null ? null : v.trim()).toString();
        } catch (IllegalArgumentException e) {
            throw invalid("invalid Bundle-Version '" + v + "'");
        }
        String init = main.getValue(ModuleHeaders.INIT);
        if (init != null && !JAVA_CLASS.matcher(init.trim()).matches()) {
            throw invalid("invalid Module-Init class name '" + init + "'");
        }
        this.initClass = init == null ? null : init.trim();
        this.permanent = permanent(main.getValue(ModuleHeaders.PERMANENT));
        this.parameterSpecs = Collections.unmodifiableList(parameters(main.getValue(ModuleHeaders.PARAMETERS)));
        Map<String, List<String>> f = new LinkedHashMap<>();
        single(f, "description", main.getValue(ModuleHeaders.DESCRIPTION), main.getValue(Constants.BUNDLE_DESCRIPTION));
        single(f, "author", main.getValue(ModuleHeaders.AUTHOR), main.getValue(Constants.BUNDLE_VENDOR));
        single(f, "license", main.getValue(ModuleHeaders.LICENSE), main.getValue(Constants.BUNDLE_LICENSE));
        list(f, "alias", main.getValue(ModuleHeaders.ALIAS));
        checkSoftdep(main.getValue(ModuleHeaders.SOFTDEP));
        single(f, "softdep", main.getValue(ModuleHeaders.SOFTDEP), null);
        this.fields = Collections.unmodifiableMap(f);
    }

    /**
     * Reads and checks a module jar. The file is read exactly once, into a private copy that
     * every later step uses (digest, manifest, signature check, install), so replacing the file
     * while it loads cannot get unchecked content installed. {@link #close()} deletes the copy.
     *
     * @throws ModuleException ENOENT if there is no such file, EACCES if unreadable, ENOEXEC if it
     *     is not a regular file or not a module jar
     */
    public static ModuleManifest read(Path jar) {
        return read(jar, PrivateCopies.temporary());
    }

    /** As {@link #read(Path)}, with the private copy in {@code copies}. */
    static ModuleManifest read(Path jar, PrivateCopies copies) {
        Path path = jar.toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            throw invalid(path, "a directory");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // a FIFO or a device would block or never end: Linux kernel_read_file refuses !S_ISREG
            throw invalid(path, "not a regular file");
        }
        Path copy = null;
        try {
            copy = copies.newFile();
            String digest = copyAndDigest(path, copy);
            long size = Files.size(copy);
            ModuleManifest m = parse(path, copy, size, digest);
            copy = null; // owned by the manifest now
            return m;
        } catch (NoSuchFileException e) {
            throw new ModuleException(Errno.ENOENT, "could not load module " + jar + ": No such file or directory");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ModuleException(Errno.EACCES, "could not load module " + jar + ": Permission denied");
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, "could not load module " + jar + ": " + e.getMessage(), e);
        } finally {
            if (copy != null) {
                deleteQuietly(copy);
            }
        }
    }

    private static ModuleManifest parse(Path path, Path copy, long size, String digest) {
        try (JarFile file = new JarFile(copy.toFile(), false)) {
            ZipEntry entry = file.getEntry(JarFile.MANIFEST_NAME);
            if (entry == null) {
                throw invalid(path, "no META-INF/MANIFEST.MF");
            }
            if (entry.getSize() > MAX_MANIFEST_BYTES) {
                throw invalid(path, "manifest larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
            Manifest manifest;
            try (InputStream in = new BoundedInputStream(file.getInputStream(entry), MAX_MANIFEST_BYTES)) {
                manifest = new Manifest(in);
            }
            return new ModuleManifest(path, copy, manifest.getMainAttributes(), size, digest);
        } catch (ZipException e) {
            throw invalid(path, "not a jar: " + e.getMessage());
        } catch (ModuleException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw invalid(path, String.valueOf(e.getMessage()));
        }
    }

    private static String copyAndDigest(Path from, Path to) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(from); java.io.OutputStream out = Files.newOutputStream(to)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            p.toFile().deleteOnExit();
        }
    }

    /**
     * The rules a load applies to a module's manifest (name, Bundle-Version, Module-Init class
     * name, parameters and their defaults, Module-Permanent, header syntax), without a jar: the
     * build-time check of kmod4j-bnd calls this, so build and load share one set of rules.
     *
     * @return the headers read as a load reads them ({@link #filename()} is {@code null})
     * @throws IllegalArgumentException naming the rule the headers break
     */
    public static ModuleManifest checkHeaders(Attributes main) {
        return new ModuleManifest(null, null, main, 0, null);
    }

    /** Deletes the private copy; the metadata stays readable. */
    @Override
    public void close() {
        if (source != null) {
            deleteQuietly(source);
        }
    }

    private List<ParameterSpec> parameters(String header) {
        List<ParameterSpec> specs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HeaderClauses.Clause c : clauses(ModuleHeaders.PARAMETERS, header)) {
            if (!NAME.matcher(c.path).matches() || c.path.contains(".")) {
                throw invalid("invalid parameter name '" + c.path + "'");
            }
            if (!seen.add(c.path)) {
                throw invalid("parameter '" + c.path + "' declared twice");
            }
            ParameterType type;
            try {
                type = ParameterType.of(c.attributes.getOrDefault("type", "string"));
            } catch (ModuleException e) {
                throw invalid("parameter '" + c.path + "': " + e.getMessage());
            }
            String def = c.attribute("default");
            if (def != null && def.isEmpty()) {
                def = null; // @ModuleParameter without a defaultValue
            }
            if (def != null) {
                try {
                    def = type.canonical(def);
                } catch (IllegalArgumentException e) {
                    throw invalid("default of parameter '" + c.path + "': " + e.getMessage());
                }
            }
            specs.add(new ParameterSpec(c.path, type, c.attribute("description"), def));
        }
        return specs;
    }

    private List<HeaderClauses.Clause> clauses(String header, String value) {
        try {
            return HeaderClauses.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid("malformed " + header + " header: " + e.getMessage());
        }
    }

    private static void single(Map<String, List<String>> f, String key, String value, String fallback) {
        String v = value != null ? value : fallback;
        if (v != null && !v.isBlank()) {
            f.put(key, List.of(v.trim()));
        }
    }

    private void list(Map<String, List<String>> f, String key, String value) {
        List<String> values = new ArrayList<>();
        for (HeaderClauses.Clause c : clauses(key, value)) {
            values.add(c.path);
        }
        if (!values.isEmpty()) {
            f.put(key, Collections.unmodifiableList(values));
        }
    }

    /**
     * kmod's softdep syntax, {@code pre: a b post: c}: every name after a {@code pre:} or
     * {@code post:} marker (modprobe would silently ignore one before), each a module name.
     */
    private static void checkSoftdep(String value) {
        if (value == null) {
            return;
        }
        boolean marked = false;
        for (String token : value.trim().split("[\\s,]+")) {
            String name = token;
            if (token.startsWith("pre:") || token.startsWith("post:")) {
                marked = true;
                name = token.substring(token.indexOf(':') + 1);
            }
            if (name.isEmpty()) {
                continue;
            }
            if (!marked) {
                throw invalid("Module-Softdep '" + value.trim() + "': '" + name + "' before pre: or post:");
            }
            if (!NAME.matcher(name).matches()) {
                throw invalid("Module-Softdep '" + value.trim() + "': invalid module name '" + name + "'");
            }
        }
    }

    /** Module-Permanent with the bool rules of parameters; anything else is refused. */
    private boolean permanent(String value) {
        if (value == null) {
            return false;
        }
        try {
            return Boolean.parseBoolean(ParameterType.BOOL.canonical(value));
        } catch (IllegalArgumentException e) {
            throw invalid("invalid Module-Permanent value '" + value.trim() + "'");
        }
    }

    /** A rule the headers break; {@link #parse} turns it into the load's ENOEXEC. */
    private static IllegalArgumentException invalid(String detail) {
        return new IllegalArgumentException(detail);
    }

    private static ModuleException invalid(Path path, String detail) {
        return new ModuleException(Errno.ENOEXEC, "could not insert module " + path + ": Invalid module format (" + detail + ")");
    }

    @Override
    public String name() {
        return name;
    }

    public String symbolicName() {
        return symbolicName;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String filename() {
        return path == null ? null : path.toString();
    }

    public Path path() {
        return path;
    }

    /** The private copy of the jar to install and verify: never the user's file, which may change. */
    public Path source() {
        return source;
    }

    @Override
    public long size() {
        return size;
    }

    /** SHA-256 of the file: the identity concurrent loads are merged on. */
    public String digest() {
        return digest;
    }

    /** The {@code Module-Init} class, or {@code null}. */
    public String initClass() {
        return initClass;
    }

    @Override
    public boolean permanent() {
        return permanent;
    }

    @Override
    public List<ParameterSpec> parameterSpecs() {
        return parameterSpecs;
    }

    @Override
    public Map<String, List<String>> fields() {
        return fields;
    }

    /** A main-section header as written, or null. */
    String header(String headerName) {
        return main.getValue(headerName);
    }
}
