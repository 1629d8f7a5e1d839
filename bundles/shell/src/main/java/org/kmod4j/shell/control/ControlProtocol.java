package org.kmod4j.shell.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The control socket's wire format ({@code <state dir>/control.sock}, a UNIX domain stream
 * socket). One request per connection:
 *
 * <pre>
 * client → server:  int MAGIC, int VERSION, UTF cwd, int n, n bytes UTF-8 script
 * server → client:  frames {byte STDOUT|STDERR, int n, n bytes} ... then {byte EXIT, int status}
 * </pre>
 *
 * The script is what {@code -c} takes ({@code ;}-separated Gogo commands); it runs in a new
 * Gogo session whose current directory is the client's {@code cwd}. Output is streamed while
 * the commands run.
 *
 * <p>Shared by the client (the launcher's {@code kmod4j COMMAND}) and the server (the admin
 * bundle's control socket): one definition of the format for both ends.
 */
public final class ControlProtocol {

    public static final String SOCKET = "control.sock";
    public static final int MAGIC = 0x6b6d3461; // "km4a"
    public static final int VERSION = 1;
    public static final byte EXIT = 0;
    public static final byte STDOUT = 1;
    public static final byte STDERR = 2;
    public static final int MAX_SCRIPT = 1 << 20;

    private ControlProtocol() {
    }

    public record Request(Path cwd, String script) {
    }

    public static void writeRequest(DataOutputStream out, Path cwd, String script) throws IOException {
        byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(cwd.toString());
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    public static Request readRequest(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a kmod4j control request");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported control protocol version " + version + " (this container speaks " + VERSION + ")");
        }
        Path cwd = Path.of(in.readUTF());
        int n = in.readInt();
        if (n < 0 || n > MAX_SCRIPT) {
            throw new IOException("bad script length " + n);
        }
        return new Request(cwd, new String(in.readNBytes(n), StandardCharsets.UTF_8));
    }

    /**
     * An output stream that sends what is written as frames of one type, each at once (a
     * command that runs long, {@code dmesg -w}, streams; Gogo never flushes its output); frames
     * of all streams share one lock.
     */
    public static final class FrameOutputStream extends OutputStream {
        private final DataOutputStream out;
        private final byte type;

        public FrameOutputStream(DataOutputStream out, byte type) {
            this.out = out;
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (out) {
                out.write(frame(type, b, off, len));
                out.flush();
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (out) {
                out.flush();
            }
        }
    }

    public static void writeExit(DataOutputStream out, int status) throws IOException {
        synchronized (out) {
            out.write(exitFrame(status));
            out.flush();
        }
    }

    /** An output frame as it goes on the wire: {@code byte type, int len, len bytes}. */
    public static byte[] frame(byte type, byte[] b, int off, int len) {
        return ByteBuffer.allocate(5 + len).put(type).putInt(len).put(b, off, len).array();
    }

    /** The last frame: {@code byte EXIT, int status}. */
    public static byte[] exitFrame(int status) {
        return ByteBuffer.allocate(5).put(EXIT).putInt(status).array();
    }
}
