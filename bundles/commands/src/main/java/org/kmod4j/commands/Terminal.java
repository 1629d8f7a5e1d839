package org.kmod4j.commands;

import java.lang.reflect.Method;

import org.apache.felix.service.command.CommandSession;

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
     * The terminal width: the session variable {@code COLUMNS} if it is a positive number, else
     * the console terminal's width, else {@value #DEFAULT_WIDTH}.
     */
    static int width(CommandSession session) {
        if (session == null) {
            return DEFAULT_WIDTH;
        }
        Object columns = variable(session, "COLUMNS");
        if (columns != null) {
            try {
                int width = Integer.parseInt(columns.toString().trim());
                if (width > 0) {
                    return width;
                }
            } catch (NumberFormatException e) {
                // not a number: ask the terminal
            }
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
