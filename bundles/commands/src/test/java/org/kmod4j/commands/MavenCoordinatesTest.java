package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

public class MavenCoordinatesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void resolvesInTheLocalRepositoryWithTypeAndClassifier() throws Exception {
        Path repo = tmp.getRoot().toPath();
        Path jar = repo.resolve("org/example/hello/1.0/hello-1.0.jar");
        Path classified = repo.resolve("org/example/hello/1.0/hello-1.0-module.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[] {1});
        Files.write(classified, new byte[] {1});
        assertEquals(jar, MavenCoordinates.resolve("mvn:org.example/hello/1.0", k -> repo.toString()));
        assertEquals(classified, MavenCoordinates.resolve("mvn:org.example/hello/1.0/jar/module", k -> repo.toString()));
    }

    @Test
    public void aMissingArtifactIsEnoentAndSaysThereIsNoDownload() {
        try {
            MavenCoordinates.resolve("mvn:org.example/absent/1.0", k -> tmp.getRoot().toString());
            fail();
        } catch (ModuleException e) {
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("not in the local Maven repository"));
        }
    }

    @Test
    public void malformedOrTraversingUrlsAreEinval() {
        for (String url : new String[] {"mvn:org.example/hello", "mvn:a/b/c/d/e/f", "mvn:../x/1.0", "mvn:org.example//1.0"}) {
            try {
                MavenCoordinates.resolve(url, k -> tmp.getRoot().toString());
                fail(url);
            } catch (ModuleException e) {
                assertEquals(url, Errno.EINVAL, e.errno());
            }
        }
    }
}
