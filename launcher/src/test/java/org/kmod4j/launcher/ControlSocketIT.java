package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.ACPI;
import static org.kmod4j.launcher.Kmod4jProcesses.CPUFREQ;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.LSMOD_HEADER;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/**
 * The control socket from other processes: a container runs with {@code --no-shell}, and
 * {@code java -jar kmod4j.jar --state-dir DIR insmod|lsmod|rmmod ...} and {@code bin/kmod4j}
 * talk to it, with the commands' output and exit status.
 */
public class ControlSocketIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void commandsFromOtherProcessesWithTheirOutputAndExitStatus() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path cwd = tmp.newFolder("cwd").toPath();
        try (Container container = Kmod4jProcesses.start(state, tmp.getRoot().toPath(), "--no-deploy").awaitReady()) {
            Path socket = state.resolve("control.sock");
            assertTrue("a socket: " + socket, Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isRegularFile(socket) && !Files.isDirectory(socket));
            assertEquals("owner only", "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            Run ls = Kmod4jProcesses.run(new ProcessBuilder("ls", "-l", socket.toString()));
            assertTrue(ls.out(), ls.out().startsWith("srw------- "));

            Run insmod = client(cwd, state, "insmod", HELLO, "greeting=hello world", "count=2");
            assertEquals(insmod.err(), 0, insmod.status());
            assertEquals("", insmod.out() + insmod.err());

            Run lsmod = client(cwd, state, "lsmod");
            assertEquals(lsmod.err(), 0, lsmod.status());
            String[] lines = lsmod.out().split("\n");
            assertEquals(lsmod.out(), 2, lines.length);
            assertTrue(lsmod.out(), lines[1].matches("hello +\\d+  0 +Live"));

            Run parm = client(cwd, state, "modinfo", "-F", "parmvalue", "hello");
            assertEquals(parm.err(), 0, parm.status());
            assertContains(parm.out(), "greeting=hello world\n");
            assertContains(parm.out(), "count=2\n");

            Run missing = client(cwd, state, "rmmod", "nosuch");
            assertEquals(1, missing.status());
            assertEquals("", missing.out());
            assertEquals("rmmod: ERROR: Module nosuch is not currently loaded\n", missing.err());

            Run unknown = client(cwd, state, "nosuchcommand");
            assertEquals(1, unknown.status());
            assertEquals("command not found: nosuchcommand\n", unknown.err());

            // a relative path is the client's: its own working directory, not the container's
            Files.copy(Path.of(CPUFREQ), cwd.resolve("cpufreq.jar"), StandardCopyOption.REPLACE_EXISTING);
            Run relative = client(cwd, state, "insmod", "cpufreq.jar");
            assertEquals(relative.err(), 0, relative.status());
            Run filename = client(cwd, state, "modinfo", "-F", "filename", "cpufreq");
            assertEquals(cwd.resolve("cpufreq.jar") + "\n", filename.out());

            // a script in one word, as -c: stops at the first failure with status 1
            Run script = client(cwd, state, "insmod " + ACPI + "; rmmod cpufreq; lsmod");
            assertEquals(1, script.status());
            assertEquals("rmmod: ERROR: Module cpufreq is in use by: acpi_cpufreq\n", script.err());
            assertEquals("", script.out());

            Run rmmod = client(cwd, state, "rmmod", "acpi_cpufreq", "cpufreq", "hello");
            assertEquals(rmmod.err(), 0, rmmod.status());
            assertEquals("", rmmod.out() + rmmod.err());
            Run empty = client(cwd, state, "lsmod");
            assertEquals(LSMOD_HEADER, empty.out());
            assertEquals(0, empty.status());
        }
    }

    @Test
    public void theBashWrapperGivesTheSameOutputAndExitStatus() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path cwd = tmp.newFolder("cwd").toPath();
        Path wrapper = Path.of(Kmod4jProcesses.property("kmod4j.wrapper"));
        try (Container container = Kmod4jProcesses.start(state, tmp.getRoot().toPath(), "--no-deploy").awaitReady()) {
            ProcessBuilder insmod = wrapper(wrapper, cwd, state, "insmod", HELLO);
            Run loaded = Kmod4jProcesses.run(insmod);
            assertEquals(loaded.err(), 0, loaded.status());
            Run viaWrapper = Kmod4jProcesses.run(wrapper(wrapper, cwd, state, "lsmod"));
            Run viaJava = client(cwd, state, "lsmod");
            assertEquals(0, viaWrapper.status());
            assertEquals(viaJava.out(), viaWrapper.out());
            assertContains(viaWrapper.out(), "\nhello ");
            Run failed = Kmod4jProcesses.run(wrapper(wrapper, cwd, state, "rmmod", "nosuch"));
            assertEquals(1, failed.status());
            assertEquals("rmmod: ERROR: Module nosuch is not currently loaded\n", failed.err());
        }
    }

    @Test
    public void noContainerRunningIsAClearErrorWithStatus1() throws Exception {
        Path state = tmp.newFolder("empty").toPath();
        Run run = client(tmp.getRoot().toPath(), state, "lsmod");
        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertTrue(run.err(), run.err().startsWith("kmod4j: ERROR: no kmod4j container is running on state directory " + state));

        // a stale socket file left by a killed container
        Path stale = tmp.newFolder("stale").toPath();
        try (Container container = Kmod4jProcesses.start(stale, tmp.getRoot().toPath(), "--no-deploy").awaitReady()) {
            container.kill();
            assertTrue(Files.exists(stale.resolve("control.sock")));
            Run after = client(tmp.getRoot().toPath(), stale, "lsmod");
            assertEquals(1, after.status());
            assertTrue(after.err(), after.err().startsWith("kmod4j: ERROR: no kmod4j container is running on state directory " + stale));
        }
    }

    private static ProcessBuilder wrapper(Path wrapper, Path cwd, Path state, String... words) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", wrapper.toString()));
        command.addAll(List.of(words));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().put("KMOD4J_JAR", Kmod4jProcesses.JAR);
        builder.environment().put("KMOD4J_STATE_DIR", state.toString());
        return builder;
    }
}
