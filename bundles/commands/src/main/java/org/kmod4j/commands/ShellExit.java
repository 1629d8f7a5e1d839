package org.kmod4j.commands;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Job;
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

    /** How long exit waits for its own command line to end before stopping the container. */
    static final long JOB_WAIT_MILLIS = 5_000;

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
    public void exit(CommandSession session, @Descriptor("[STATUS]") String... arguments) {
        leave(session, "exit", arguments);
    }

    @Descriptor("leave the shell, as exit does")
    public void quit(CommandSession session, @Descriptor("[STATUS]") String... arguments) {
        leave(session, "quit", arguments);
    }

    private void leave(CommandSession session, String name, String... arguments) {
        Options options = new Options();
        KmodCommandLine.parse(session, name.equals("exit") ? options : quitOptions(options), arguments);
        if (options.help) {
            return;
        }
        if (CommandErrors.isConsole(session)) {
            stopAfter(Job.Utils.current());
        } else if (session != null) {
            session.put(STATUS_VARIABLE, options.status);
        }
    }

    /**
     * Stops the framework once this command's job is done and the shell waits for a line again,
     * as after Ctrl-D: stopped while the shell still waits for the job, gogo.jline interrupts that
     * wait and prints the InterruptedException. Bounded: after {@value #JOB_WAIT_MILLIS} ms it
     * stops anyway.
     */
    private void stopAfter(Job job) {
        Thread stopper = new Thread(() -> {
            try {
                if (job != null) {
                    long deadline = System.nanoTime() + JOB_WAIT_MILLIS * 1_000_000L;
                    synchronized (job) {
                        long left;
                        while (job.status() != Job.Status.Done && (left = deadline - System.nanoTime()) > 0) {
                            job.wait(Math.max(1, left / 1_000_000L));
                        }
                    }
                }
                context.getBundle(0).stop(); // the launcher's wait for the framework returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BundleException | IllegalStateException e) {
                System.err.println("exit: ERROR: could not stop the container: " + e.getMessage());
            }
        }, "kmod4j exit");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** The same options under the name quit, so its usage and errors say quit. */
    private static Object quitOptions(Options options) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(options);
        spec.name("quit");
        return spec;
    }
}
