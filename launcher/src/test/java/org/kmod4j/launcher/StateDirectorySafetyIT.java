package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.CPUFREQ;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/**
 * The state directory is locked before anything touches it, is private, and {@code -c} does not
 * use a running container's: a refused second start changes no file of the running container,
 * which then loads and unloads as before; the private copies of loading jars live in it, not in
 * the shared temporary folder, and are gone after the container.
 */
public class StateDirectorySafetyIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aRefusedSecondStartChangesNothingAndTheRunningContainerKeepsWorking() throws Exception {
        Path state = tmp.getRoot().toPath().resolve("state");
        Path cwd = tmp.newFolder("cwd").toPath();
        try (Container container = Kmod4jProcesses.start(state, tmp.getRoot().toPath(), "--no-deploy").awaitReady()) {
            assertEquals(0, client(cwd, state, "insmod", HELLO).status());
            assertEquals(0, client(cwd, state, "insmod", CPUFREQ).status());
            Map<String, String> before = snapshot(state);
            assertTrue("the Felix cache has the modules' bundles: " + before.keySet(),
                    before.keySet().stream().filter(f -> f.startsWith("felix-cache/bundle")).count() >= 3);

            List<List<String>> starts = List.of(
                    List.of("--state-dir", state.toString(), "-c", "lsmod"),
                    List.of("--state-dir", state.toString(), "--no-shell", "--no-examples", "--no-deploy"));
            for (List<String> args : starts) {
                List<String> command = Kmod4jProcesses.java(List.of());
                command.addAll(args);
                Run second = Kmod4jProcesses.run(new ProcessBuilder(command).directory(cwd.toFile()));
                assertEquals(args + ": " + second, 1, second.status());
                assertEquals(args + " changed the running container's state directory", before, snapshot(state));
                assertContains(second.err(), "kmod4j: ERROR: state directory " + state + " is in use by another kmod4j container (pid "
                        + container.process.pid() + ")");
            }

            Run rmmod = client(cwd, state, "rmmod", "hello");
            assertEquals(rmmod.toString(), 0, rmmod.status());
            Run insmod = client(cwd, state, "insmod", HELLO);
            assertEquals(insmod.toString(), 0, insmod.status());
            Run lsmod = client(cwd, state, "lsmod");
            assertTrue(lsmod.out(), lsmod.out().contains("\nhello ") && lsmod.out().contains("\ncpufreq "));
            assertFalse(container.log(), container.log().contains("Error writing persistent state"));
        }
    }

    @Test
    public void dashCIsAThrowAwayContainerBesideOneRunningOnTheDefaultDirectory() throws Exception {
        Path cwd = tmp.newFolder("cwd").toPath();
        Path temp = tmp.newFolder("java-tmp").toPath();
        Path state = cwd.resolve("kmod4j-state"); // the default, relative to the working directory
        List<String> command = Kmod4jProcesses.java(List.of("-Djava.io.tmpdir=" + temp));
        command.addAll(List.of("--no-shell", "--no-examples", "--no-deploy"));
        Path out = tmp.newFile("default.out").toPath();
        Process first = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(tmp.newFile("default.err").toPath().toFile()).start();
        try {
            awaitSocket(first, state, out);
            assertEquals(0, client(cwd, state, "insmod", HELLO).status());
            Map<String, String> before = snapshot(state);

            List<String> dashC = Kmod4jProcesses.java(List.of("-Djava.io.tmpdir=" + temp));
            dashC.addAll(List.of("-c", "insmod " + HELLO + " greeting=hi count=3; lsmod; modinfo hello; rmmod hello; lsmod"));
            Run run = Kmod4jProcesses.run(new ProcessBuilder(dashC).directory(cwd.toFile()));
            assertEquals(run.toString(), 0, run.status());
            assertContains(run.out(), "\nhello ");
            assertEquals("the running container's state directory is untouched", before, snapshot(state));
            try (Stream<Path> left = Files.list(temp)) {
                assertEquals("the throw-away state directory is removed", List.of(), left.toList());
            }

            Run rmmod = client(cwd, state, "rmmod", "hello");
            assertEquals(rmmod.toString(), 0, rmmod.status());
            assertEquals(0, client(cwd, state, "insmod", HELLO).status());
        } finally {
            first.destroyForcibly().waitFor();
        }
    }

    @Test
    public void theStateDirectoryIsCreatedPrivateAndAnUnsafeOneIsRefused() throws Exception {
        Path state = tmp.getRoot().toPath().resolve("fresh");
        try (Container container = Kmod4jProcesses.start(state, tmp.getRoot().toPath(), "--no-deploy").awaitReady()) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        }

        Path shared = tmp.newFolder("shared").toPath();
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        Run groupWritable = startOnce(shared);
        assertEquals(groupWritable.toString(), 1, groupWritable.status());
        assertEquals("kmod4j: ERROR: state directory " + shared + " is writable by its group or others (mode rwxrwxr-x);"
                + " make it private with: chmod 700 " + shared + "\n", groupWritable.err());
        assertEquals("nothing created in it", List.of(), list(shared));

        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx---rwx"));
        assertContains(startOnce(shared).err(), "is writable by its group or others (mode rwx---rwx)");

        Assume.assumeTrue("chown needs root", "root".equals(System.getProperty("user.name")));
        Path foreign = tmp.newFolder("foreign").toPath();
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(foreign, "unix:uid", 65534);
        Run notMine = startOnce(foreign);
        assertEquals(notMine.toString(), 1, notMine.status());
        assertContains(notMine.err(), "kmod4j: ERROR: state directory " + foreign + " is owned by user ");
        assertContains(notMine.err(), "(uid 65534), not by the user running kmod4j (uid 0)");
        assertEquals("nothing created in it", List.of(), list(foreign));
    }

    @Test
    public void privateCopiesLiveInTheStateDirectoryAndAreRemoved() throws Exception {
        Path state = tmp.getRoot().toPath().resolve("state");
        Path temp = tmp.newFolder("java-tmp").toPath();
        Path cwd = tmp.newFolder("cwd").toPath();
        Path bad = Files.writeString(cwd.resolve("bad.jar"), "not a jar");
        try (Container container = Kmod4jProcesses.start(List.of("-Djava.io.tmpdir=" + temp), state,
                tmp.getRoot().toPath(), "--no-deploy").awaitReady()) {
            assertEquals(0, client(cwd, state, "insmod", HELLO).status());
            assertEquals(1, client(cwd, state, "insmod", bad.toString()).status());
            assertEquals(1, client(cwd, state, "modinfo", bad.toString()).status());
            assertEquals(0, client(cwd, state, "insmod", "--replace", HELLO).status());
            assertEquals(0, client(cwd, state, "insmod", "--replace", "--cascade", HELLO).status());
            assertEquals("nothing in the shared temporary folder", List.of(), loadingDirs(temp));
            assertTrue(Files.isDirectory(state.resolve("loading"), LinkOption.NOFOLLOW_LINKS));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("loading"))));
            assertEquals("no copy left after a load, a failed load, a modinfo and two replaces", List.of(), list(state.resolve("loading")));
            container.process.destroy(); // SIGTERM, as Ctrl-C: the JVM exits without stopping the framework
            assertTrue("the container ends on SIGTERM", container.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertFalse("removed when the container's JVM exits", Files.exists(state.resolve("loading")));
        }
        // a container that ends: -c, with the same failed load
        List<String> command = Kmod4jProcesses.java(List.of("-Djava.io.tmpdir=" + temp));
        command.addAll(List.of("--state-dir", state.toString(), "-c", "insmod " + HELLO + "; insmod " + bad));
        Run run = Kmod4jProcesses.run(new ProcessBuilder(command).directory(cwd.toFile()));
        assertEquals(run.toString(), 1, run.status());
        assertFalse("removed at shutdown", Files.exists(state.resolve("loading")));
        assertEquals(List.of(), loadingDirs(temp));
    }

    private Run startOnce(Path state) throws IOException, InterruptedException {
        List<String> command = Kmod4jProcesses.java(List.of());
        command.addAll(List.of("--state-dir", state.toString(), "--no-shell", "--no-examples", "--no-deploy"));
        return Kmod4jProcesses.run(new ProcessBuilder(command).directory(tmp.getRoot()));
    }

    private static void awaitSocket(Process process, Path state, Path out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.readString(out).contains("control socket: ")) {
            assertTrue("the container exited: " + Files.readString(out), process.isAlive());
            assertTrue("no control socket in " + state + " after 30 s", System.nanoTime() < deadline);
            Thread.sleep(50);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> loadingDirs(Path temp) throws IOException {
        List<String> found = new ArrayList<>();
        for (String name : list(temp)) {
            if (name.startsWith("kmod4j-loading-")) {
                found.add(name);
            }
        }
        return found;
    }

    /** Every file under {@code dir} (but the control socket) with its size, time and content digest. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = dir.relativize(p).toString();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(name, Files.size(p) + " " + Files.getLastModifiedTime(p) + " "
                            + HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(name + "/", Files.getLastModifiedTime(p).toString());
                } else {
                    files.put(name, "special");
                }
            }
        }
        return files;
    }
}
