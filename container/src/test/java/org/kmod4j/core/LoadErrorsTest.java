package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;

/** Each bad input gets its code and kmod's words, and the container stays exactly as it was. */
public class LoadErrorsTest extends KernelTestBase {
    private String before;

    @Before
    public void loadSomething() throws Exception {
        kernel.load(jars.module("present"), null);
        before = state();
    }

    private void expectUnchanged(Errno errno, String words, Path jar) {
        expectUnchanged(errno, words, jar, LoadOptions.defaults());
    }

    private void expectUnchanged(Errno errno, String words, Path jar, LoadOptions options) {
        ModuleException e = expect(errno, () -> kernel.load(jar, options));
        assertTrue(e.getMessage(), e.getMessage().contains(words));
        assertEquals(before, state());
    }

    @Test
    public void missingFileIsEnoent() {
        expectUnchanged(Errno.ENOENT, "could not load module /nonexistent/x.jar: No such file or directory", Path.of("/nonexistent/x.jar"));
    }

    @Test
    public void notAJarIsInvalidModuleFormat() throws Exception {
        expectUnchanged(Errno.ENOEXEC, "Invalid module format", jars.file("hostname", "myhost\n".getBytes()));
        expectUnchanged(Errno.ENOEXEC, "Invalid module format", jars.file("empty.jar", new byte[0]));
        expectUnchanged(Errno.ENOEXEC, "Invalid module format", tmp.getRoot().toPath());
    }

    @Test
    public void jarWithoutManifestOrNameIsInvalidModuleFormat() throws Exception {
        Path noManifest = jars.file("nomf.jar", zipWithoutManifest());
        expectUnchanged(Errno.ENOEXEC, "no META-INF/MANIFEST.MF", noManifest);
        expectUnchanged(Errno.ENOEXEC, "no Bundle-SymbolicName", jars.jar("nobsn.jar", Map.of("Bundle-Version", "1.0")));
        expectUnchanged(Errno.ENOEXEC, "invalid module name", jars.module("x", "Module-Name", "../../etc/passwd"));
        expectUnchanged(Errno.ENOEXEC, "invalid Bundle-Version", jars.module("x", "Bundle-Version", "one"));
        expectUnchanged(Errno.ENOEXEC, "malformed Module-Parameters", jars.module("x", "Module-Parameters", "a;type=\"int"));
        expectUnchanged(Errno.ENOEXEC, "unknown parameter type", jars.module("x", "Module-Parameters", "a;type=complex"));
    }

    @Test
    public void loadingALiveNameAgainIsEexist() throws Exception {
        expectUnchanged(Errno.EEXIST, "File exists", jars.module("present"));
    }

    @Test
    public void unloadingAnUnknownNameIsEnoent() {
        ModuleException e = expect(Errno.ENOENT, () -> kernel.unload("absent", UnloadOptions.defaults()));
        assertEquals("Module absent is not currently loaded", e.getMessage());
        assertEquals(before, state());
    }

    @Test
    public void parameterErrorsAreEinvalAndLoadNothing() throws Exception {
        String decl = "greeting;type=string;default=hello, count;type=int;default=1, verbose;type=bool, small;type=byte";
        Path jar = jars.module("p", "Module-Parameters", decl);
        expectUnchanged(Errno.EINVAL, "Invalid parameters (p: unknown parameter 'colour'", jar, LoadOptions.of(Map.of("colour", "red")));
        expectUnchanged(Errno.EINVAL, "parameter 'count' (int): not an integer: 'many'", jar, LoadOptions.of(Map.of("count", "many")));
        expectUnchanged(Errno.EINVAL, "out of range for byte", jar, LoadOptions.of(Map.of("small", "300")));
        expectUnchanged(Errno.EINVAL, "not a bool", jar, LoadOptions.of(Map.of("verbose", "maybe")));
        assertTrue("nothing was even installed", host.events.stream().noneMatch(e -> e.equals("install p")));
    }

    private static byte[] zipWithoutManifest() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
            zip.write(1);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
