package org.kmod4j.launcher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.kmod4j.shell.control.ControlProtocol;

/**
 * {@code kmod4j [--state-dir DIR] COMMAND [ARG...]}: sends one command to the container running
 * on DIR through its control socket and prints what it prints, with its exit status.
 *
 * <p>The words are the command as bash split it; each is quoted for Gogo where needed, so
 * {@code kmod4j insmod x.jar 'greeting=hello world'} passes one parameter. One word with blanks
 * or {@code ;} is taken as a whole script ({@code kmod4j 'lsmod; rmmod hello'}), as {@code -c}.
 * A relative jar path given to {@code insmod} is made absolute against this process's directory,
 * and the script runs with this directory as the session's current directory, so relative paths
 * mean what they mean in the user's shell.
 */
final class ControlClient {

    /** Characters a word may have and still go to Gogo unquoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@+%-]+");
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

    private ControlClient() {
    }

    /** @return the exit status: the script's, or 1 when no container answers on {@code stateDir} */
    static int run(Path stateDir, List<String> words, Path cwd, PrintStream out, PrintStream err) {
        Path socket = stateDir.resolve(ControlProtocol.SOCKET);
        String script = script(words, cwd);
        if (!Files.exists(socket)) {
            err.println("kmod4j: ERROR: no kmod4j container is running on state directory " + stateDir
                    + " (no " + socket + "); start one with: java -jar kmod4j.jar --state-dir " + stateDir);
            return 1;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (SocketException e) {
                err.println("kmod4j: ERROR: no kmod4j container is running on state directory " + stateDir
                        + " (" + socket + ": " + e.getMessage() + ")");
                return 1;
            }
            DataOutputStream request = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            try {
                ControlProtocol.writeRequest(request, cwd, script);
            } catch (IOException e) {
                // refused before reading the request (too many connections): its answer is still to be read
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            while (true) {
                byte type = in.readByte();
                if (type == ControlProtocol.EXIT) {
                    int status = in.readInt();
                    out.flush();
                    err.flush();
                    return status;
                }
                int n = in.readInt();
                byte[] bytes = in.readNBytes(n);
                if (bytes.length < n) {
                    throw new EOFException();
                }
                PrintStream target = type == ControlProtocol.STDERR ? err : out;
                target.write(bytes, 0, n);
                target.flush();
            }
        } catch (EOFException e) {
            err.println("kmod4j: ERROR: the container on " + stateDir + " closed the connection before the command finished");
            return 1;
        } catch (IOException e) {
            err.println("kmod4j: ERROR: control socket " + socket + ": " + e.getMessage());
            return 1;
        }
    }

    /** The script the words stand for; see the class comment. */
    static String script(List<String> words, Path cwd) {
        if (words.size() == 1 && (words.get(0).indexOf(';') >= 0 || words.get(0).strip().matches("(?s).*\\s.*"))) {
            return words.get(0);
        }
        List<String> quoted = new ArrayList<>();
        boolean insmod = !words.isEmpty() && words.get(0).equals("insmod");
        boolean fileSeen = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (insmod && i > 0 && !fileSeen && !word.startsWith("-")) {
                fileSeen = true;
                if (!URL.matcher(word).matches() && !Path.of(word).isAbsolute()) {
                    word = cwd.resolve(word).normalize().toString();
                }
            }
            quoted.add(quote(word));
        }
        return String.join(" ", quoted);
    }

    /** A word as one Gogo token: as it is when plain, else in double quotes with \ " $ escaped. */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : word.toCharArray()) {
            if (c == '\\' || c == '"' || c == '$') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
