package org.kmod4j.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A kmod command's command line, parsed by picocli from the words Gogo hands the command. Every
 * command takes {@code -h/--help} (usage on stdout, success); a bad command line fails as kmod's
 * tools do: {@code lsmod: unrecognized option '-l'}, then the usage, on stderr, with EINVAL (exit
 * status 1 in scripts). The options object is a picocli {@code @Command} whose name is the
 * command's.
 */
public final class KmodCommandLine {

    private KmodCommandLine() {
    }

    /**
     * Parses {@code arguments} into {@code options}.
     *
     * @return false if help was asked for (and printed): the command has nothing more to do
     * @throws ModuleException EINVAL, already reported in kmod's words, for a bad command line
     */
    public static boolean parse(CommandSession session, Object options, String... arguments) {
        return parse(session, options, false, arguments);
    }

    /**
     * As {@link #parse(CommandSession, Object, String...)}; with {@code stopAtOperand} the first
     * operand ends the options, as in kmod's insmod and modprobe where the words after the module
     * are its parameters.
     */
    public static boolean parse(CommandSession session, Object options, boolean stopAtOperand, String... arguments) {
        CommandLine cli = commandLine(options);
        cli.setStopAtPositional(stopAtOperand);
        try {
            CommandLine.ParseResult result = cli.parseArgs(arguments == null ? new String[0] : arguments);
            if (result.isUsageHelpRequested()) {
                PrintStream out = System.out;
                out.println(usage(cli));
                out.flush();
                return false;
            }
            return true;
        } catch (ParameterException e) {
            throw CommandErrors.fail(session, Errno.EINVAL, cli.getCommandName() + ": " + message(e) + "\n" + usage(cli));
        }
    }

    private static CommandLine commandLine(Object options) {
        CommandLine cli = new CommandLine(options);
        cli.setOverwrittenOptionsAllowed(true);
        cli.setUnmatchedArgumentsAllowed(false);
        cli.setExpandAtFiles(false); // '@' has no meaning for kmod's tools
        return cli;
    }

    private static String usage(CommandLine cli) {
        return cli.getUsageMessage(Ansi.OFF).stripTrailing();
    }

    /** getopt's words where kmod uses them; picocli's otherwise. */
    static String message(ParameterException e) {
        if (e instanceof UnmatchedArgumentException) {
            List<String> unmatched = ((UnmatchedArgumentException) e).getUnmatched();
            if (!unmatched.isEmpty()) {
                String word = unmatched.get(0);
                return word.startsWith("-") && word.length() > 1
                        ? "unrecognized option '" + word + "'"
                        : "unexpected argument '" + word + "'";
            }
        }
        if (e instanceof MissingParameterException) {
            List<ArgSpec> missing = ((MissingParameterException) e).getMissing();
            if (missing != null && !missing.isEmpty() && missing.get(0) instanceof OptionSpec) {
                return "option '" + ((OptionSpec) missing.get(0)).longestName() + "' requires an argument";
            }
        }
        return e.getMessage();
    }
}
