package org.kmod4j.commands;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code head} and {@code tail} for the pipes an admin types ({@code dmesg | tail -2},
 * {@code lsmod | head -3}): {@code -n N}, the old {@code -N}, files or standard input. They exist
 * in every mode ({@code -c} and the control socket have no gogo.jline), and at the console they
 * replace gogo.jline's, which took {@code -2} for a file name.
 */
public final class HeadTail {

    @Command(name = "head", description = "Print the first lines of the input (files, or standard input).")
    static class Options {
        @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "How many lines (default 10); -N is the"
                + " same as -n N.")
        int lines = 10;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(paramLabel = "FILE", description = "Files to read; none or '-' for standard input.")
        List<String> files = new ArrayList<>();
    }

    @Command(name = "tail", description = "Print the last lines of the input (files, or standard input).")
    static final class TailOptions extends Options {
    }

    @Descriptor("print the first lines of the input: head [-n N|-N] [FILE...]")
    public void head(CommandSession session, @Descriptor("[-n N|-N] [FILE...]") String... arguments) {
        run(session, new Options(), true, arguments);
    }

    @Descriptor("print the last lines of the input: tail [-n N|-N] [FILE...]")
    public void tail(CommandSession session, @Descriptor("[-n N|-N] [FILE...]") String... arguments) {
        run(session, new TailOptions(), false, arguments);
    }

    private static void run(CommandSession session, Options options, boolean head, String... arguments) {
        String name = head ? "head" : "tail";
        if (!KmodCommandLine.parse(session, options, numberOption(arguments))) {
            return;
        }
        if (options.lines < 0) {
            throw CommandErrors.usage(session, name, "invalid number of lines: '" + options.lines + "'");
        }
        PrintStream out = System.out;
        List<String> files = options.files.isEmpty() ? List.of("-") : options.files;
        try {
            for (String file : files) {
                for (String line : lines(session, file, options.lines, head)) {
                    out.println(line);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw CommandErrors.report(session, name, new ModuleException(Errno.EIO, e.getMessage(), e));
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, name, e);
        }
    }

    /** {@code -2} is {@code -n 2}, as in every head and tail. */
    static String[] numberOption(String... arguments) {
        List<String> out = new ArrayList<>();
        for (String a : arguments == null ? new String[0] : arguments) {
            if (a.length() > 1 && a.charAt(0) == '-' && a.substring(1).chars().allMatch(Character::isDigit)) {
                out.add("-n");
                out.add(a.substring(1));
            } else {
                out.add(a);
            }
        }
        return out.toArray(new String[0]);
    }

    private static List<String> lines(CommandSession session, String file, int count, boolean head) throws IOException {
        InputStream in;
        if (file.equals("-")) {
            in = System.in;
        } else {
            Path path = ModuleArguments.file(session, file);
            if (!Files.isRegularFile(path)) {
                throw new ModuleException(Errno.ENOENT, "cannot open '" + file + "' for reading: No such file or directory");
            }
            in = Files.newInputStream(path);
        }
        Deque<String> kept = new ArrayDeque<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()));
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (head) {
                    if (kept.size() >= count) {
                        break;
                    }
                    kept.addLast(line);
                } else {
                    kept.addLast(line);
                    if (kept.size() > count) {
                        kept.removeFirst();
                    }
                }
            }
        } finally {
            if (in != System.in) {
                reader.close();
            }
        }
        return new ArrayList<>(kept);
    }
}
