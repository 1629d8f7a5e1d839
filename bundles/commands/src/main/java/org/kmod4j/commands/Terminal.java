package org.kmod4j.commands;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;

/**
 * The console's jline terminal, which gogo.jline's shell puts in its session as
 * {@code .terminal}. Read through reflection: this bundle does not import jline, and outside
 * the console (the launcher's {@code -c}, the control socket, tests) there is no terminal.
 */
final class Terminal {

    /** Width when neither $COLUMNS nor a terminal says otherwise. */
    static final int DEFAULT_WIDTH = 80;

    private static final String TYPE = "org.jline.terminal.Terminal";

    private Terminal() {
    }

    /**
     * The width a table may take: the terminal's ({@link #width(CommandSession)}) when the command
     * writes to the console terminal itself; the session variable {@code COLUMNS} when a script
     * set it; otherwise unlimited, so that piped output ({@code lsmod | grep x}) and scripts see
     * every name whole.
     */
    static int outputWidth(CommandSession session) {
        if (session == null) {
            return Integer.MAX_VALUE;
        }
        if (variable(session, ".terminal") != null && writesToTerminal()) {
            return width(session);
        }
        int columns = columns(session);
        return columns > 0 ? columns : Integer.MAX_VALUE;
    }

    /** The session variable {@code COLUMNS} if it is a positive number, else 0. */
    private static int columns(CommandSession session) {
        Object columns = variable(session, "COLUMNS");
        if (columns != null) {
            try {
                int width = Integer.parseInt(columns.toString().trim());
                return Math.max(width, 0);
            } catch (NumberFormatException e) {
                // not a number
            }
        }
        return 0;
    }

    /** Whether the running command's stdout is the session's own (not a pipe or a redirection). */
    private static boolean writesToTerminal() {
        try {
            Process process = Process.Utils.current();
            return process != null && process.isTty(1);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Lets Ctrl-C at the console interrupt only {@code thread} until the returned handle is
     * closed. gogo.jline's own handler cancels the whole foreground job, whose controller then
     * fails with an InterruptedException that the shell prints; a command that ends on Ctrl-C
     * (dmesg -w) takes the signal itself and returns normally. Outside the console: no-op.
     */
    static AutoCloseable onInterrupt(CommandSession session, Thread thread) {
        Object terminal = session == null ? null : variable(session, ".terminal");
        if (terminal == null) {
            return () -> { };
        }
        try {
            ClassLoader loader = terminal.getClass().getClassLoader();
            Class<?> type = Class.forName(TYPE, false, loader);
            Class<?> signal = Class.forName(TYPE + "$Signal", false, loader);
            Class<?> handler = Class.forName(TYPE + "$SignalHandler", false, loader);
            if (!type.isInstance(terminal)) {
                return () -> { };
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object interrupt = Enum.valueOf((Class) signal, "INT");
            Object ours = Proxy.newProxyInstance(loader, new Class<?>[] {handler}, (proxy, method, args) -> {
                if ("handle".equals(method.getName())) {
                    thread.interrupt();
                    return null;
                }
                switch (method.getName()) {
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        return "kmod4j interrupt handler";
                }
            });
            Method handle = type.getMethod("handle", signal, handler);
            Object previous = handle.invoke(terminal, interrupt, ours);
            return () -> handle.invoke(terminal, interrupt, previous);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return () -> { };
        }
    }

    /**
     * The terminal width: the session variable {@code COLUMNS} if it is a positive number, else
     * the console terminal's width, else {@value #DEFAULT_WIDTH}.
     */
    static int width(CommandSession session) {
        if (session == null) {
            return DEFAULT_WIDTH;
        }
        int columns = columns(session);
        if (columns > 0) {
            return columns;
        }
        Object terminal = variable(session, ".terminal");
        int width = terminal == null ? 0 : width(terminal);
        return width > 0 ? width : DEFAULT_WIDTH;
    }

    /** {@code Terminal.getWidth()}, or 0 (a dumb terminal reports 0 too). */
    static int width(Object terminal) {
        Object width = call(terminal, "getWidth");
        return width instanceof Integer ? (Integer) width : 0;
    }

    /**
     * Flushes the console terminal, if any. A command's output reaches the terminal through
     * Gogo's pipe channels, which write to the terminal's buffered stream but never flush it, so
     * at the console the output of a long-running command (dmesg -w) would only show when the
     * command ends.
     */
    static void flush(CommandSession session) {
        Object terminal = session == null ? null : variable(session, ".terminal");
        if (terminal != null) {
            call(terminal, "flush");
        }
    }

    private static Object call(Object terminal, String method) {
        try {
            Class<?> type = Class.forName(TYPE, false, terminal.getClass().getClassLoader());
            if (!type.isInstance(terminal)) {
                return null;
            }
            Method m = type.getMethod(method);
            return m.invoke(terminal);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Object variable(CommandSession session, String name) {
        try {
            return session.get(name);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
