package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.kmod4j.launcher.Kmod4jProcesses.CPUFREQ;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.LSMOD_HEADER;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;
import static org.kmod4j.launcher.Kmod4jProcesses.awaitLsmod;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/** The deploy folder of a running container: drop, replace, partial file, remove. */
public class DeployIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void dropReplacePartialFileAndRemove() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path deploy = tmp.newFolder("deploy").toPath();
        Path cwd = tmp.getRoot().toPath();
        try (Container container = Kmod4jProcesses.start(state, cwd.resolve("logs"), "--deploy-dir", deploy.toString())
                .awaitReady()) {
            assertContains(Files.readString(container.out), "deploy folder: " + deploy);

            // drop: loads (copied under a dot name, then renamed, as copy tools do)
            Files.copy(Path.of(HELLO), deploy.resolve(".hello.jar.part"));
            Files.move(deploy.resolve(".hello.jar.part"), deploy.resolve("hello.jar"), StandardCopyOption.ATOMIC_MOVE);
            awaitLsmod(cwd, state, out -> out.contains("\nhello "), 15);
            Run version = client(cwd, state, "modinfo", "-F", "version", "hello");
            assertEquals("0.1.0.SNAPSHOT\n", version.out());

            // replace: the new version takes over without downtime (ModuleContainer.replace)
            Path v2 = tmp.newFile("hello-v2.jar").toPath();
            Kmod4jProcesses.withVersion(Path.of(HELLO), v2, "0.2.0");
            Files.copy(v2, deploy.resolve("hello.jar"), StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + 15_000_000_000L;
            do {
                version = client(cwd, state, "modinfo", "-F", "version", "hello");
                Thread.sleep(200);
            } while (!version.out().equals("0.2.0\n") && System.nanoTime() < deadline);
            assertEquals(version.toString(), "0.2.0\n", version.out());
            assertContains(Files.readString(container.err), "deploy: replaced hello from hello.jar");
            assertFalse(Files.readString(container.err).contains("deploy: unloaded hello"));

            // a jar written slowly is not loaded while incomplete
            byte[] jar = Files.readAllBytes(Path.of(CPUFREQ));
            Path partial = deploy.resolve("cpufreq.jar");
            try (OutputStream out = Files.newOutputStream(partial)) {
                out.write(jar, 0, jar.length / 2);
                out.flush();
                Thread.sleep(1_500); // more than two scans with the size and mtime unchanged
                Run during = client(cwd, state, "lsmod");
                assertFalse(during.out(), during.out().contains("cpufreq"));
                out.write(jar, jar.length / 2, jar.length - jar.length / 2);
            }
            awaitLsmod(cwd, state, out -> out.contains("\ncpufreq "), 15);

            // remove: unloads
            Files.delete(deploy.resolve("hello.jar"));
            Files.delete(partial);
            Run empty = awaitLsmod(cwd, state, out -> out.equals(LSMOD_HEADER), 15);
            assertEquals(0, empty.status());
            String log = Files.readString(container.err);
            assertContains(log, "deploy: unloaded hello (hello.jar removed)");
            assertContains(log, "deploy: unloaded cpufreq (cpufreq.jar removed)");
        }
    }

    @Test
    public void aBadJarIsReportedAndTheWatcherGoesOn() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path deploy = tmp.newFolder("deploy").toPath();
        Path cwd = tmp.getRoot().toPath();
        try (Container container = Kmod4jProcesses.start(state, cwd.resolve("logs"), "--deploy-dir", deploy.toString())
                .awaitReady()) {
            Files.writeString(deploy.resolve("broken.jar"), "not a jar\n");
            Files.writeString(deploy.resolve("ignored.tmp"), "not even looked at\n");
            Files.copy(Path.of(HELLO), deploy.resolve("hello.jar"));
            awaitLsmod(cwd, state, out -> out.contains("\nhello "), 15);
            // the watcher judges broken.jar on its own polls: its report may follow hello's load
            String expected = "deploy: broken.jar is not a complete jar; waiting for it to change";
            String log = Files.readString(container.err);
            for (long deadline = System.nanoTime() + 15_000_000_000L; !log.contains(expected) && System.nanoTime() < deadline;) {
                Thread.sleep(100);
                log = Files.readString(container.err);
            }
            assertContains(log, expected);
            assertFalse(log, log.contains("ignored.tmp"));
        }
    }
}
