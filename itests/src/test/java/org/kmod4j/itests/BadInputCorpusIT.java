package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.itests.corpus.CorpusInit;
import org.kmod4j.itests.corpus.CorpusNotAnInit;
import org.kmod4j.itests.corpus.CorpusThrowingConstructor;
import org.kmod4j.paxexam.KmodTestSupport;
import org.ops4j.pax.exam.Option;

/**
 * The bad-input corpus (container/src/test/.../BadInputCorpusTest) on a real Felix, for a
 * representative subset: broken files, bombs, bad names and headers, bad parameters, and
 * generated bundles whose Module-Init (a class copied from this probe) is missing, of the wrong
 * type, throws in its constructor, fails its init with several codes, hangs past the init
 * timeout, or throws in its exit. Each fails with its errno and kmod's words, and the container,
 * lsmod and the framework (bundles, services, pending removals) stay exactly as they were.
 */
public class BadInputCorpusIT extends KmodTestSupport {
    private static final long INIT_TIMEOUT_MS = 1000;

    @Inject
    private CommandProcessor processor;

    private Path dir;
    private String before;

    @Override
    protected Option[] options() {
        return new Option[] {frameworkProperty("kmod4j.init.timeout.ms").value(String.valueOf(INIT_TIMEOUT_MS))};
    }

    @Before
    public void setUp() {
        dir = KmodOptions.scratchDir("corpus-");
        container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults()); // a bystander
        before = snapshot(bundleContext, container, processor);
    }

    private void fails(Errno errno, String words, Path jar, Map<String, String> params) {
        ModuleException e = failure(errno, () -> container.load(jar, LoadOptions.of(params)));
        String m = e.getMessage();
        assertTrue(jar.getFileName() + ": " + words + " in " + m, m.contains(words));
        assertTrue(jar.getFileName() + ": kmod's words naming the file: " + m,
                m.startsWith("could not insert module " + jar) || m.startsWith("could not load module " + jar));
        assertNoTrace("loading " + jar.getFileName() + " " + params, before, bundleContext, container, processor);
        assertEquals(jar.getFileName() + ": no private copy left in the state directory", List.of(), privateCopies());
    }

    /** What is left in the container's directory for the private copies of loading jars. */
    private List<String> privateCopies() {
        Path copies = Path.of(SecondContainer.stateDir(bundleContext), "loading");
        if (!Files.isDirectory(copies)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(copies)) {
            return files.map(f -> f.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void fails(Errno errno, String words, Path jar) {
        fails(errno, words, jar, Map.of());
    }

    @Test
    public void brokenFiles() throws Exception {
        Path good = KmodOptions.jar("tm-good");
        byte[] bytes = Files.readAllBytes(good);
        fails(Errno.ENOEXEC, "Invalid module format", write("text.jar", "not a jar\n".getBytes()));
        fails(Errno.ENOEXEC, "Invalid module format", write("half.jar", java.util.Arrays.copyOf(bytes, bytes.length / 2)));
        fails(Errno.ENOEXEC, "Invalid module format", write("no-end.jar", java.util.Arrays.copyOf(bytes, bytes.length - 10)));
        fails(Errno.ENOEXEC, "Invalid module format (a directory)", Files.createDirectory(dir.resolve("dir.jar")));
        fails(Errno.ENOENT, "No such file or directory",
                Files.createSymbolicLink(dir.resolve("dangling.jar"), Path.of("/nonexistent/x.jar")));
        fails(Errno.ENOEXEC, "no META-INF/MANIFEST.MF", jar("nomf.jar", null, Map.of()));
    }

    @Test
    public void bombsCostBoundedTimeAndMemory() throws Exception {
        // 1 GiB of zeros in ~1 MiB: loads without anyone inflating it (no signature policy here)
        Path bomb = zipBomb(dir.resolve("bomb.jar"));
        assertTrue(Files.size(bomb) < 4 << 20);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        container.load(bomb, LoadOptions.defaults());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long allocated = threads.getCurrentThreadAllocatedBytes() - a0;
        assertTrue("bomb load took " + ms + " ms", ms < 10_000);
        assertTrue("bomb load allocated " + allocated + " bytes", allocated < 128L << 20);
        container.unload("corpus_bomb", UnloadOptions.defaults());
        assertNoTrace("loading and unloading a zip bomb", before, bundleContext, container, processor);

        fails(Errno.ENOEXEC, "manifest larger than 1048576 bytes", hugeManifest(dir.resolve("huge-manifest.jar")));
    }

    @Test
    public void badNamesAndHeaders() throws Exception {
        String[][] names = {{"../x", "invalid module name '../x'"}, {"a/b", "invalid module name 'a/b'"}, {"", "invalid module name ''"},
            {"n".repeat(256), "use 1-255"}, {"m\u00f6dul\u00e9", "invalid module name 'm\u00f6dul\u00e9'"}, {"x;y", "invalid module name"}};
        int i = 0;
        for (String[] n : names) {
            fails(Errno.ENOEXEC, n[1], jar("name" + i++ + ".jar", null, Map.of("Module-Name", n[0])));
        }
        fails(Errno.ENOEXEC, "Bundle-SymbolicName must have exactly one name", jar("bsn2.jar", null, Map.of("Bundle-SymbolicName", "a, b")));
        fails(Errno.ENOEXEC, "malformed Module-Parameters header", jar("params.jar", null, Map.of("Module-Parameters", "a;type=\"int")));
        fails(Errno.ENOEXEC, "unknown parameter type", jar("ptype.jar", null, Map.of("Module-Parameters", "a;type=complex")));
        fails(Errno.ENOEXEC, "malformed alias header", jar("alias.jar", null, Map.of("Module-Alias", "a,,b")));
        fails(Errno.ENOEXEC, "invalid Module-Init class name", jar("init.jar", null, Map.of("Module-Init", "not a class")));
        // the same name as the LIVE bystander, other content
        fails(Errno.EEXIST, "File exists", jar("dup.jar", null, Map.of("Module-Name", "tm_good")));
    }

    @Test
    public void badParameters() throws Exception {
        Path params = KmodOptions.jar("tm-params");
        String[][] bad = {{"colour", "red", "unknown parameter 'colour'"}, {"count", "many", "not an integer"},
            {"count", "2147483648", "out of range for int"}, {"limit", "-1", "out of range for uint"},
            {"limit", "4294967296", "out of range for uint"}, {"verbose", "perhaps", "not a bool"}};
        for (String[] b : bad) {
            fails(Errno.EINVAL, b[2], params, Map.of(b[0], b[1]));
        }
    }

    @Test
    public void moduleInitClassesThatCannotRun() throws Exception {
        fails(Errno.ENOEXEC, "not found", jar("missing-init.jar", CorpusInit.class, Map.of("Module-Init", "org.kmod4j.itests.corpus.NoSuch")));
        fails(Errno.ENOEXEC, "does not implement org.kmod4j.api.ModuleInit",
                jar("wrong-type.jar", CorpusNotAnInit.class, Map.of("Module-Init", CorpusNotAnInit.class.getName())));
        fails(Errno.EIO, "corpus constructor breaks",
                jar("ctor.jar", CorpusThrowingConstructor.class, Map.of("Module-Init", CorpusThrowingConstructor.class.getName())));
    }

    @Test
    public void initsThatFailOrHang() throws Exception {
        String[][] behaviours = {{"eperm", "EPERM", "corpus init refuses"}, {"enodev", "ENODEV", "corpus init finds no device"},
            {"runtime", "EIO", "IllegalStateException: corpus init breaks"}, {"error", "EIO", "NoClassDefFoundError"}};
        for (String[] b : behaviours) {
            String name = "corpus_" + b[0];
            System.setProperty("kmod4j.corpus." + name, b[0]);
            fails(Errno.valueOf(b[1]), b[2], jar(name + ".jar", CorpusInit.class, Map.of("Module-Name", name)));
        }
        System.setProperty("kmod4j.corpus.corpus_hang", "hang");
        Path hang = jar("corpus_hang.jar", CorpusInit.class, Map.of("Module-Name", "corpus_hang"));
        long t0 = System.nanoTime();
        ModuleException e = failure(Errno.ETIMEDOUT, () -> container.load(hang, LoadOptions.defaults()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage(), e.getMessage().contains("could not insert module " + hang + ": Connection timed out (init did not finish in "
                + INIT_TIMEOUT_MS + " ms)"));
        assertTrue("gave up after the timeout: " + ms + " ms", ms < INIT_TIMEOUT_MS + 5_000);
        assertTrue(container.taints().toString(), container.taints().contains(org.kmod4j.api.Taint.WARN));
        // a proper GOING: the bundle is gone; only the documented taint W differs
        assertEquals(withoutTaints(before), withoutTaints(snapshot(bundleContext, container, processor)));
        assertTrue(container.dmesg().toString().contains("corpus_hang: init did not finish in " + INIT_TIMEOUT_MS + " ms"));
    }

    @Test
    public void anExitThatThrowsStillUnloads() throws Exception {
        System.setProperty("kmod4j.corpus.corpus_exit", "exit");
        Path jar = jar("corpus_exit.jar", CorpusInit.class, Map.of("Module-Name", "corpus_exit"));
        container.load(jar, LoadOptions.defaults());
        container.unload("corpus_exit", UnloadOptions.defaults());
        assertTrue(container.dmesg().toString().contains("corpus_exit: exit threw java.lang.IllegalStateException: corpus exit breaks"));
        assertEquals(withoutTaints(before), withoutTaints(snapshot(bundleContext, container, processor)));
    }

    /** The snapshot without the taints (the documented W) in the registry line and lsmod's header. */
    private static String withoutTaints(String snapshot) {
        return snapshot.replaceAll("taints: \\[.*\\]", "taints: ?").replaceAll("(?m)^Tainted: .*\\R", "");
    }

    // ---- generated jars -------------------------------------------------------------------------

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /**
     * A bundle jar for module corpus_x with {@code headers} changed ("" value kept, null removes),
     * containing the class file of {@code type} (copied from this probe), or with no manifest at
     * all if {@code headers} is null and {@code file} is "nomf.jar".
     */
    private Path jar(String file, Class<?> type, Map<String, String> headers) throws IOException {
        Path p = dir.resolve(file);
        if (file.equals("nomf.jar")) {
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(p))) {
                zip.putNextEntry(new ZipEntry("a.txt"));
                zip.write(1);
                zip.closeEntry();
            }
            return p;
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-SymbolicName", "corpus." + file.replace(".jar", "").replaceAll("[^A-Za-z0-9]", "_"));
        h.put("Bundle-Version", "1.0.0");
        h.put("Module-Name", "corpus_x");
        if (type != null) {
            h.put("Module-Init", CorpusInit.class.getName());
            h.put("Import-Package", "org.kmod4j.api");
        }
        h.putAll(headers);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        h.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p), mf)) {
            if (type != null) {
                String resource = type.getName().replace('.', '/') + ".class";
                try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                    out.putNextEntry(new ZipEntry(resource));
                    in.transferTo(out);
                    out.closeEntry();
                }
            } else {
                out.putNextEntry(new ZipEntry("readme.txt"));
                out.write(1);
                out.closeEntry();
            }
        }
        return p;
    }

    private static Path hugeManifest(Path p) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-SymbolicName", "corpus.huge");
        for (int i = 0; i < 30_000; i++) {
            a.putValue("X-Pad-" + i, "p".repeat(60));
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p), mf)) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write(1);
            out.closeEntry();
        }
        try (JarInputStream in = new JarInputStream(Files.newInputStream(p))) {
            assertTrue(in.getManifest() != null);
        }
        return p;
    }

    /** A bundle (module corpus_bomb) with zeros.bin: 1 GiB of zeros as repeated deflate blocks. */
    private static Path zipBomb(Path p) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Deflater d = new Deflater(9, true);
        d.setInput(chunk);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0;) {
            block.write(buf, 0, n);
        }
        d.end();
        byte[] one = block.toByteArray();
        int copies = 1024;
        byte[] data = new byte[one.length * copies + 5];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(one, 0, data, i * one.length, one.length);
        }
        System.arraycopy(new byte[] {1, 0, 0, (byte) 0xFF, (byte) 0xFF}, 0, data, one.length * copies, 5);
        CRC32 crc = new CRC32();
        for (int i = 0; i < copies; i++) {
            crc.update(chunk);
        }
        byte[] manifest = ("Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: corpus.bomb\r\n"
                + "Bundle-Version: 1.0.0\r\nModule-Name: corpus_bomb\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        CRC32 mcrc = new CRC32();
        mcrc.update(manifest);
        List<byte[]> central = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entry(out, central, "META-INF/MANIFEST.MF", 0, mcrc.getValue(), manifest, manifest.length);
        entry(out, central, "zeros.bin", 8, crc.getValue(), data, 1L << 30);
        int cd = out.size();
        int cdSize = 0;
        for (byte[] c : central) {
            out.write(c);
            cdSize += c.length;
        }
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) central.size())
                .putShort((short) central.size()).putInt(cdSize).putInt(cd).putShort((short) 0);
        out.write(end.array());
        return Files.write(p, out.toByteArray());
    }

    private static void entry(ByteArrayOutputStream out, List<byte[]> central, String name, int method, long crc, byte[] data,
            long size) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int offset = out.size();
        ByteBuffer local = ByteBuffer.allocate(30 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method).putShort((short) 0)
                .putShort((short) 0x21).putInt((int) crc).putInt(data.length).putInt((int) size).putShort((short) n.length)
                .putShort((short) 0).put(n);
        out.write(local.array());
        out.write(data);
        ByteBuffer c = ByteBuffer.allocate(46 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) method)
                .putShort((short) 0).putShort((short) 0x21).putInt((int) crc).putInt(data.length).putInt((int) size)
                .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putInt(0).putInt(offset).put(n);
        central.add(c.array());
    }
}
