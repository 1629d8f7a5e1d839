package org.kmod4j.shell;

import java.io.PrintStream;

import org.apache.felix.service.command.CommandSession;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.shell.control.CommandScript;

/**
 * kmod's error convention: {@code <prog>: ERROR: <message>}, printed once, then failure.
 *
 * <p>Who prints the line depends on who runs the command:
 * <ul>
 * <li>At the interactive console (gogo.jline's shell, recognised by its session variable
 * {@value #CONSOLE_READER}), the shell itself prints every exception that escapes a command
 * line, as {@code exception.toString()}, in red. The command therefore prints nothing and
 * throws a {@link KmodError}, a {@link ModuleException} whose {@code toString()} <em>is</em> the
 * kmod line: the admin sees {@code rmmod: ERROR: Module x is not currently loaded} once, instead
 * of that line followed by {@code org.kmod4j.api.ModuleException: Module x ...}.</li>
 * <li>Anywhere else ({@code CommandSession.execute} from the launcher's {@code -c}, the control
 * socket, the itests, a script) nobody prints exceptions, so the command prints the line on the
 * session's error stream ({@code System.err} is the session's stream under Gogo's ThreadIO) and
 * throws the {@link ModuleException} itself, as callers of {@code execute} expect.</li>
 * </ul>
 * Either way the command fails with a {@link ModuleException} (errno preserved) so {@code -c}
 * exits non-zero and callers can branch on the code.
 */
public final class CommandErrors {

    /** gogo.jline's {@code Shell.VAR_READER}: set in the console session only. */
    static final String CONSOLE_READER = ".reader";

    private CommandErrors() {
    }

    /**
     * Reports a failure in kmod's words and returns the exception for the caller to throw:
     * printed here unless the session is the interactive console (see the class comment).
     */
    public static ModuleException report(CommandSession session, String command, RuntimeException failure) {
        ModuleException error = failure instanceof ModuleException
                ? (ModuleException) failure
                : new ModuleException(Errno.EINVAL, String.valueOf(failure.getMessage()), failure);
        if (failure instanceof KmodError) {
            return error; // already in kmod's words
        }
        if (isConsole(session)) {
            return new KmodError(command, error);
        }
        print(command, error);
        return printed(session, error);
    }

    /**
     * Prints a failure that is not the one the command will throw (rmmod goes on after a failed
     * name and fails at the end, like kmod): always printed here.
     */
    public static void printOnly(String command, RuntimeException failure) {
        print(command, failure instanceof KmodError ? (ModuleException) failure.getCause() : failure);
    }

    /** A usage error: reported like kmod does and thrown as EINVAL. */
    public static ModuleException usage(CommandSession session, String command, String message) {
        return report(session, command, new ModuleException(Errno.EINVAL, message));
    }

    /**
     * A failure whose whole text is already written (a usage error: kmod's
     * {@code lsmod: unrecognized option '-l'} and the usage after it), reported by the same
     * rule: printed here, or at the console carried by the exception's {@code toString()}.
     */
    public static ModuleException fail(CommandSession session, Errno errno, String text) {
        ModuleException error = new ModuleException(errno, text);
        if (isConsole(session)) {
            return new KmodError(error, text);
        }
        PrintStream err = System.err;
        err.println(text);
        err.flush();
        return printed(session, error);
    }

    /** Tells a script runner ({@link CommandScript}) that this failure's line is printed already. */
    private static ModuleException printed(CommandSession session, ModuleException error) {
        if (session != null) {
            try {
                session.put(CommandScript.REPORTED, error);
            } catch (RuntimeException e) {
                // a closed session: nobody runs a script in it any more
            }
        }
        return error;
    }

    /** The kmod line for a failure: {@code <prog>: ERROR: <message>}. */
    public static String line(String command, Throwable failure) {
        return command + ": ERROR: " + failure.getMessage();
    }

    public static boolean isConsole(CommandSession session) {
        if (session == null) {
            return false;
        }
        try {
            return session.get(CONSOLE_READER) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void print(String command, Throwable failure) {
        PrintStream err = System.err;
        err.println(line(command, failure));
        err.flush();
    }

    /**
     * A command failure whose {@code toString()} is kmod's line, for the interactive console that
     * prints {@code toString()} of what a command throws. The errno and message are the
     * original's; the original is the cause.
     */
    public static final class KmodError extends ModuleException {
        private static final long serialVersionUID = 1L;

        private final String line;

        KmodError(String command, ModuleException cause) {
            this(cause, line(command, cause));
        }

        private KmodError(ModuleException cause, String text) {
            super(cause.errno(), cause.getMessage(), cause);
            this.line = text;
        }

        /** {@code <prog>: ERROR: <message>}. */
        @Override
        public String toString() {
            return line;
        }
    }
}
