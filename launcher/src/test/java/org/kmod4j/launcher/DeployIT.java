package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.kmod4j.launcher.Kmod4jProcesses.ACPI;
import static org.kmod4j.launcher.Kmod4jProcesses.CPUFREQ;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.LSMOD_HEADER;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;
import static org.kmod4j.launcher.Kmod4jProcesses.awaitDmesg;
import static org.kmod4j.launcher.Kmod4jProcesses.awaitLsmod;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

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
            awaitDmesg(cwd, state, out -> out.contains("deploy: replaced hello from hello.jar"), 15);
            version = client(cwd, state, "modinfo", "-F", "version", "hello");
            assertEquals(version.toString(), "0.2.0\n", version.out());
            Run dmesg = client(cwd, state, "dmesg");
            assertFalse("a replace, not an unload and a load: " + dmesg, dmesg.out().contains("deploy: unloaded hello"));

            // a jar written slowly is not loaded while incomplete
            byte[] jar = Files.readAllBytes(Path.of(CPUFREQ));
            Path partial = deploy.resolve("cpufreq.jar");
            try (OutputStream out = Files.newOutputStream(partial)) {
                out.write(jar, 0, jar.length / 2);
                out.flush();
                // the watcher's verdict on the half-written file, as a DEPLOY event
                awaitDmesg(cwd, state, "deploy: cpufreq.jar is not a complete jar; waiting for it to change", 15);
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
    public void aReplaceRefusedWhileTheModuleIsInUseIsRetriedUntilItsHolderGoes() throws Exception {
        Path cwd = tmp.getRoot().toPath();
        Path state = tmp.newFolder("state-busy").toPath();
        Path deploy = tmp.newFolder("deploy-busy").toPath();
        try (Container container = Kmod4jProcesses.start(state, cwd.resolve("logs-busy"), "--deploy-dir",
                deploy.toString()).awaitReady()) {
            Files.copy(Path.of(CPUFREQ), deploy.resolve("cpufreq.jar"));
            awaitLsmod(cwd, state, out -> out.contains("\ncpufreq "), 15);
            assertEquals(0, client(cwd, state, "insmod", ACPI).status()); // acpi_cpufreq holds cpufreq

            Path v2 = deploy.resolve(".cpufreq.jar.part");
            Kmod4jProcesses.withVersion(Path.of(CPUFREQ), v2, "0.2.0");
            Files.move(v2, deploy.resolve("cpufreq.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            // the same name: a zero-downtime replace, refused like rmmod while a module is wired to it
            String refused = "deploy: cpufreq.jar: insmod --replace: ERROR: ";
            String retrying = "is in use by: acpi_cpufreq (cpufreq left as it was; retrying)";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!Files.readString(container.err).contains(retrying) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertContains(Files.readString(container.err), refused);
            assertContains(Files.readString(container.err), retrying);

            assertEquals(0, client(cwd, state, "rmmod", "acpi_cpufreq").status());
            Run version = null;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                version = client(cwd, state, "modinfo", "-F", "version", "cpufreq");
                if (version.out().equals("0.2.0\n")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals("version 2 loaded once the holder was gone: " + container.log(), "0.2.0\n", version.out());
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
            awaitDmesg(cwd, state, expected, 15);
            String log = Files.readString(container.err);
            assertContains(log, expected);
            assertFalse(log, log.contains("ignored.tmp"));
        }
    }
}
