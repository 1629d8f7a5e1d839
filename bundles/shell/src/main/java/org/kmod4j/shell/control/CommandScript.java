package org.kmod4j.shell.control;

import java.io.InputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * The {@code -c 'CMD; CMD'} mode: runs each command in one Gogo session, prints its result,
 * and stops at the first failure. The launcher's {@code -c} and the admin bundle's control socket
 * both run scripts with it, so a script means the same on either path.
 *
 * <p>Needs only the Gogo API: the launcher has it on its class path, where the system bundle
 * exports it; the kmod4j API may not be visible there. So a command tells that it has printed its
 * error already by leaving the exception it throws in the session ({@link #REPORTED}), not by
 * its type.
 */
public final class CommandScript {

    /**
     * Session variable holding the exception a command throws after printing its
     * {@code <cmd>: ERROR: <message>} line itself (kmod4j-shell's CommandErrors sets it); any other
     * failure is printed here.
     */
    public static final String REPORTED = ".kmod4j.reported";

    /** kmod's commands before Gogo's ({@code help}, {@code exit}, {@code head}, {@code tail}). */
    public static final String SCOPE = "kmod:*";

    /** Where kmod's {@code exit [STATUS]} leaves its status in a script (kmod4j-commands' ShellExit). */
    public static final String EXIT_STATUS = ".kmod4j.exit";

    private CommandScript() {
    }

    /** @return the exit status: 0 when every command succeeded, 1 at the first failure */
    public static int run(CommandProcessor processor, String script, InputStream in, PrintStream out, PrintStream err) {
        try (CommandSession session = processor.createSession(in, out, err)) {
            return run(session, script, out, err);
        }
    }

    /**
     * As {@link #run(CommandProcessor, String, InputStream, PrintStream, PrintStream)}, in a
     * session the caller made and closes: the control socket sets the session's current
     * directory to the client's, and ends the session's jobs when the client hangs up.
     */
    public static int run(CommandSession session, String script, PrintStream out, PrintStream err) {
        session.put("SCOPE", SCOPE);
        for (String command : CommandSplitter.split(script)) {
            try {
                Object result = session.execute(command);
                if (result != null) {
                    String text = String.valueOf(session.format(result, Converter.INSPECT));
                    out.print(text.endsWith("\n") ? text : text + "\n");
                }
                out.flush();
                err.flush();
                Object exit = session.get(EXIT_STATUS);
                if (exit instanceof Integer) {
                    return (Integer) exit;
                }
            } catch (Exception e) {
                if (session.get(REPORTED) != e) {
                    err.println("kmod4j: ERROR: " + command + ": " + e.getMessage());
                }
                err.flush();
                return 1;
            }
        }
        return 0;
    }
}
