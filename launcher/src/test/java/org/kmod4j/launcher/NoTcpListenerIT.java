package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;

/**
 * Attack surface: a container started with the default options (examples, deploy folder, control
 * socket) has no listening TCP socket, IPv4 or IPv6, and no bound UDP socket: every socket inode
 * among {@code /proc/<pid>/fd} is looked up in {@code /proc/net/{tcp,tcp6,udp,udp6}}. Its only
 * way in is the owner-only UNIX socket {@code <state dir>/control.sock}. Linux only (skipped
 * without {@code /proc/net/tcp}).
 */
public class NoTcpListenerIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void theDetectorSeesAListenerOfThisJvm() throws Exception {
        Assume.assumeTrue("Linux /proc", Files.exists(Path.of("/proc/net/tcp")));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> found = inetSockets(ProcessHandle.current().pid());
            assertTrue("the check finds a known listener (port " + server.getLocalPort() + "): " + found,
                    found.stream().anyMatch(s -> s.contains("LISTEN") && s.contains(":" + Integer.toHexString(server.getLocalPort()).toUpperCase())));
        }
    }

    @Test
    public void aDefaultContainerListensOnNoNetworkPort() throws Exception {
        Assume.assumeTrue("Linux /proc", Files.exists(Path.of("/proc/net/tcp")));
        Path state = tmp.newFolder("state").toPath();
        Path cwd = tmp.getRoot().toPath();
        // the defaults, run as users run it: java -jar kmod4j.jar --no-shell (deploy folder ./deploy, examples loaded)
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(Kmod4jProcesses.JAR);
        command.add("--state-dir");
        command.add(state.toString());
        command.add("--no-shell");
        Path out = tmp.newFile("out").toPath();
        Path err = tmp.newFile("err").toPath();
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.readString(out).contains("control socket: ") && System.nanoTime() < deadline) {
                assertTrue("the container exited: " + Files.readString(err), p.isAlive());
                Thread.sleep(100);
            }
            assertTrue("ready: " + Files.readString(out) + Files.readString(err), Files.readString(out).contains("control socket: "));
            List<String> sockets = inetSockets(p.pid());
            assertEquals("TCP/UDP sockets of the container (pid " + p.pid() + ")", List.of(), sockets);
            assertTrue("it does have sockets, all UNIX: " + socketInodes(p.pid()), !socketInodes(p.pid()).isEmpty());

            Path control = state.resolve("control.sock");
            assertTrue(Files.exists(control));
            assertEquals("control socket owner-only", "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
            // bound in a private 0700 directory under the state dir, then renamed to control.sock
            Set<String> own = socketInodes(p.pid());
            List<String> unixRows = Files.readAllLines(Path.of("/proc/net/unix"));
            assertTrue("the container's listening UNIX socket lives in its state dir: " + unixRows,
                    unixRows.stream().map(l -> l.trim().split("\\s+"))
                            .anyMatch(f -> f.length > 7 && own.contains(f[6]) && f[7].startsWith(state.toString())));
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** Rows of /proc/net/{tcp,tcp6,udp,udp6} whose inode is a socket of {@code pid}, with TCP states named. */
    static List<String> inetSockets(long pid) throws IOException {
        Set<String> inodes = socketInodes(pid);
        List<String> found = new ArrayList<>();
        for (String table : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            Path file = Path.of("/proc/net", table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && inodes.contains(f[9])) {
                    String st = table.startsWith("tcp") && f[3].equals("0A") ? "LISTEN" : "st=" + f[3];
                    found.add(table + " " + f[1] + " " + st);
                }
            }
        }
        return found;
    }

    /** Inodes of the sockets among /proc/PID/fd. */
    static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return inodes;
    }
}
