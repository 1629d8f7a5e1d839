package org.kmod4j.commands;

import java.io.PrintStream;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmesg [-c|--clear] [-w|--follow]}: the container's kernel-style event log
 * ({@code [seconds.micros] text}: loads, unloads, errors, vetoes, leaks, taints), oldest first.
 * {@code -c} prints, then clears it; {@code -w} prints, then keeps printing new lines every
 * {@value #POLL_MILLIS} ms until interrupted (Ctrl-C at the console interrupts the command, which
 * then returns quietly to the prompt).
 */
public final class Dmesg {

    @Command(name = "dmesg", description = "Print the container's kernel-style event log (loads, unloads, errors,"
            + " vetoes, leaks, taints), oldest line first.")
    static final class Options {
        @Option(names = {"-c", "--clear"}, description = "Clear the log after printing it.")
        boolean clear;

        @Option(names = {"-w", "--follow"}, description = "Wait for new messages and print them as they come,"
                + " until interrupted (Ctrl-C).")
        boolean follow;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    static final long POLL_MILLIS = 200;

    private final ContainerAccess container;

    Dmesg(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("print the container's kernel-style event log (loads, unloads, errors, vetoes, leaks, taints);"
            + " usage: dmesg [-c|--clear] [-w|--follow]")
    public String dmesg(CommandSession session, @Descriptor("[-c|--clear] [-w|--follow] [-h|--help]") String... arguments) {
        Options options = new Options();
        if (!KmodCommandLine.parse(session, options, arguments)) {
            return null;
        }
        boolean clear = options.clear;
        ModuleContainer log;
        List<String> lines;
        try {
            log = container.get();
            lines = log.dmesg();
            if (clear) {
                log.clearDmesg();
            }
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "dmesg", e);
        }
        if (!options.follow) {
            return lines.isEmpty() ? null : String.join("\n", lines);
        }
        DmesgTail tail = new DmesgTail();
        PrintStream out = System.out;
        print(session, out, tail.next(lines));
        if (clear) {
            tail.next(List.of()); // what we cleared is gone: everything after it is new
        }
        try (AutoCloseable ctrlC = Terminal.onInterrupt(session, Thread.currentThread())) {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(POLL_MILLIS);
                print(session, out, tail.next(container.get().dmesg()));
            }
        } catch (InterruptedException e) {
            // Ctrl-C: dmesg -w ends normally, like the real one on SIGINT
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "dmesg", e);
        } catch (Exception e) {
            // restoring the console's own Ctrl-C handler failed: nothing to report
        }
        Thread.interrupted(); // the interrupt was ours: do not leave it for the shell
        return null;
    }

    private static void print(CommandSession session, PrintStream out, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        for (String line : lines) {
            out.println(line);
        }
        out.flush();
        Terminal.flush(session); // at the console: show the lines now, not when the command ends
    }
}
