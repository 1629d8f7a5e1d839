package org.kmod4j.commands;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exit [STATUS]} and {@code quit}: leave the shell. At the console they stop the
 * container (the framework), as Ctrl-D does; in a script ({@code -c}, the control socket) they
 * end the script with STATUS (default 0), which the runner reads from the session variable
 * {@value #STATUS_VARIABLE}. Without them, {@code exit} at the console is {@code System.exit}
 * through Gogo's {@code addcommand system}, which takes an int and skips the container's shutdown.
 */
public final class ShellExit {

    /** Set in a script's session when exit ran: the status the script ends with (an Integer). */
    public static final String STATUS_VARIABLE = ".kmod4j.exit";

    @Command(name = "exit", description = "Leave the shell: at the console stop the container (as Ctrl-D does), in a"
            + " script (-c, kmod4j COMMAND) end it with STATUS.")
    static final class Options {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(arity = "0..1", paramLabel = "STATUS", description = "The exit status of a script (default 0).")
        int status;
    }

    private final BundleContext context;

    ShellExit(BundleContext context) {
        this.context = context;
    }

    @Descriptor("leave the shell (at the console: stop the container; in a script: end it with STATUS)")
    public void exit(CommandSession session, @Descriptor("[STATUS]") String... arguments) throws BundleException {
        leave(session, "exit", arguments);
    }

    @Descriptor("leave the shell, as exit does")
    public void quit(CommandSession session, @Descriptor("[STATUS]") String... arguments) throws BundleException {
        leave(session, "quit", arguments);
    }

    private void leave(CommandSession session, String name, String... arguments) throws BundleException {
        Options options = new Options();
        KmodCommandLine.parse(session, name.equals("exit") ? options : quitOptions(options), arguments);
        if (options.help) {
            return;
        }
        if (CommandErrors.isConsole(session)) {
            context.getBundle(0).stop(); // asynchronous: the launcher's wait for the framework returns
        } else if (session != null) {
            session.put(STATUS_VARIABLE, options.status);
        }
    }

    /** The same options under the name quit, so its usage and errors say quit. */
    private static Object quitOptions(Options options) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(options);
        spec.name("quit");
        return spec;
    }
}
