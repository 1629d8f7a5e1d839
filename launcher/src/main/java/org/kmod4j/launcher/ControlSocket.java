package org.kmod4j.launcher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;

/**
 * The control socket {@code <state dir>/control.sock}: a UNIX domain socket (no TCP port) on
 * which {@code kmod4j lsmod} and friends reach the running container. Each connection carries
 * one script ({@link ControlProtocol}), run by {@link CommandScript} exactly as {@code -c} runs
 * it, in its own Gogo session; its output and exit status go back to the client.
 *
 * <p>Owner-only: the socket is bound inside a fresh directory created with mode 0700, set to
 * 0600, and only then renamed to {@code control.sock}, so at no moment can another user
 * connect; a connection whose peer (SO_PEERCRED) is another user is refused as well. The
 * container's lock on the state directory is held before this starts, so a leftover
 * {@code control.sock} (after a kill -9) is stale and replaced.
 */
final class ControlSocket implements AutoCloseable {

    private final Path socket;
    private final CommandProcessor processor;
    private final PrintStream log;
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    private ControlSocket(Path socket, CommandProcessor processor, PrintStream log) {
        this.socket = socket;
        this.processor = processor;
        this.log = log;
    }

    /** Binds {@code stateDir/control.sock} and starts accepting connections on a daemon thread. */
    static ControlSocket start(Path stateDir, CommandProcessor processor, PrintStream log) throws IOException {
        ControlSocket control = new ControlSocket(stateDir.resolve(ControlProtocol.SOCKET), processor, log);
        control.bind(stateDir);
        control.acceptor = new Thread(control::acceptLoop, "kmod4j-control");
        control.acceptor.setDaemon(true);
        control.acceptor.start();
        // Ctrl-C (--no-shell) ends the JVM without closing anything: remove the socket file then
        // too (the container still holds the state directory's lock at that moment)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!control.closed) {
                control.close();
            }
        }, "kmod4j-control-cleanup"));
        return control;
    }

    Path path() {
        return socket;
    }

    private void bind(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Files.deleteIfExists(socket);
        Path privateDir = Files.createTempDirectory(stateDir, ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = privateDir.resolve("s");
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(bound, socket);
            }
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(privateDir);
        }
    }

    private void acceptLoop() {
        UserPrincipal owner = null;
        try {
            owner = Files.getOwner(socket);
        } catch (IOException e) {
            // the peer check below then compares with the user running the container
        }
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.println("kmod4j: control socket: " + e.getMessage());
                }
                continue;
            }
            if (!samePeer(channel, owner)) {
                close(channel);
                continue;
            }
            Thread t = new Thread(() -> serve(channel), "kmod4j-control-" + connections.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    /** SO_PEERCRED where the platform has it: the peer must be the socket's owner. */
    private boolean samePeer(SocketChannel channel, UserPrincipal owner) {
        try {
            Object peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal user = ((jdk.net.UnixDomainPrincipal) peer).user();
            String expected = owner != null ? owner.getName() : System.getProperty("user.name");
            if (user.getName().equals(expected)) {
                return true;
            }
            log.println("kmod4j: control socket: refused a connection from user " + user.getName());
            return false;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return true; // the socket file's 0600 mode is the guard
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            ControlProtocol.Request request;
            try {
                request = ControlProtocol.readRequest(in);
            } catch (IOException e) {
                PrintStream err = new PrintStream(new ControlProtocol.FrameOutputStream(out, ControlProtocol.STDERR), true,
                        StandardCharsets.UTF_8);
                err.println("kmod4j: ERROR: control socket: " + e.getMessage());
                ControlProtocol.writeExit(out, 1);
                return;
            }
            PrintStream sessionOut = new PrintStream(new ControlProtocol.FrameOutputStream(out, ControlProtocol.STDOUT),
                    false, StandardCharsets.UTF_8);
            PrintStream sessionErr = new PrintStream(new ControlProtocol.FrameOutputStream(out, ControlProtocol.STDERR),
                    false, StandardCharsets.UTF_8);
            int status;
            try {
                status = CommandScript.run(processor, request.script(), new ByteArrayInputStream(new byte[0]),
                        sessionOut, sessionErr, request.cwd());
            } catch (RuntimeException e) {
                sessionErr.println("kmod4j: ERROR: " + e);
                status = 1;
            }
            sessionOut.flush();
            sessionErr.flush();
            ControlProtocol.writeExit(out, status);
        } catch (IOException e) {
            // the client went away; nothing to report to
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // ignore
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // ignore
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // ignore
        }
    }
}
