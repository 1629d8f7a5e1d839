package org.kmod4j.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.paxexam.KmodTestSupport;

/** Bad files: each gets kmod's errno and words, and none changes the container or the framework. */
public class BadInputIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    private Path dir;
    private String before;

    @Before
    public void setUp() {
        dir = KmodOptions.scratchDir("bad-input-");
        // a bystander, so "unchanged" is not trivially "empty"
        container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        before = snapshot(bundleContext, container, processor);
    }

    private ModuleException loadFails(Errno errno, Path file) {
        ModuleException e = failure(errno, () -> container.load(file, LoadOptions.defaults()));
        assertTrue("the message names the file: " + e.getMessage(), e.getMessage().contains(file.toString()));
        assertNoTrace("loading " + file.getFileName(), before, bundleContext, container, processor);
        return e;
    }

    @Test
    public void missingFileIsENOENT() {
        Path missing = dir.resolve("nosuch.jar");
        assertFalse(Files.exists(missing));
        ModuleException e = loadFails(Errno.ENOENT, missing);
        // insmod: "could not load module <file>: No such file or directory" (kmod_module_new_from_path),
        // or insert's wording
        assertTrue(e.getMessage(), e.getMessage().startsWith("could not load module " + missing)
                || e.getMessage().startsWith("could not insert module " + missing));
    }

    @Test
    public void aFileThatIsNotAJarIsENOEXEC() throws IOException {
        Path file = dir.resolve("not-a-jar.jar");
        Files.writeString(file, "this is not a zip file\n", StandardCharsets.UTF_8);
        ModuleException e = loadFails(Errno.ENOEXEC, file);
        assertInvalidModuleFormat(file, e);
    }

    @Test
    public void anEmptyFileIsENOEXEC() throws IOException {
        Path file = dir.resolve("empty.jar");
        Files.write(file, new byte[0]);
        ModuleException e = loadFails(Errno.ENOEXEC, file);
        assertInvalidModuleFormat(file, e);
    }

    @Test
    public void aJarWithoutManifestIsENOEXEC() throws IOException {
        Path file = dir.resolve("no-manifest.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("hello\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        ModuleException e = loadFails(Errno.ENOEXEC, file);
        assertInvalidModuleFormat(file, e);
    }

    @Test
    public void aJarWhoseManifestHasNoSymbolicNameIsENOEXEC() throws IOException {
        Path file = dir.resolve("no-bsn.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        writeJar(file, manifest);
        ModuleException e = loadFails(Errno.ENOEXEC, file);
        assertInvalidModuleFormat(file, e);
    }

    @Test
    public void aModuleInitClassThatDoesNotExistFailsWithoutTrace() throws IOException {
        Path file = dir.resolve("missing-init.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "tm.missing.init");
        manifest.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        manifest.getMainAttributes().putValue("Module-Name", "tm_missing_init");
        manifest.getMainAttributes().putValue("Module-Init", "org.kmod4j.testmodules.NoSuchInit");
        writeJar(file, manifest);
        ModuleException e = failure(() -> container.load(file, LoadOptions.defaults()));
        assertNotNull(e.getMessage());
        assertTrue(container.find("tm_missing_init").isEmpty());
        assertNoTrace("loading a module whose Module-Init class is missing", before, bundleContext, container, processor);
    }

    @Test
    public void insmodCommandReportsBadFilesInKmodsWords() throws IOException {
        Path file = dir.resolve("garbage.jar");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {1, 2, 3, 4});
        }
        Kmod.CommandResult r = Kmod.run(processor, "kmod:insmod '" + file + "'");
        assertNotNull("insmod of garbage fails: " + r, r.failure);
        assertTrue(r.toString(), r.err.contains("insmod: ERROR: could not insert module " + file
                + ": Invalid module format"));
        assertNoTrace("insmod garbage", before, bundleContext, container, processor);
    }

    /** kmod's words, "could not insert module FILE: Invalid module format", optionally followed by detail. */
    private static void assertInvalidModuleFormat(Path file, ModuleException e) {
        assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module " + file + ": Invalid module format"));
    }

    private static void writeJar(Path file, Manifest manifest) throws IOException {
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            jar.putNextEntry(new ZipEntry("readme.txt"));
            jar.write("test\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }
}
