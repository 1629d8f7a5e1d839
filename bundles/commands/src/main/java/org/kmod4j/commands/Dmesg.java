package org.kmod4j.commands;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dmesg [-c|--clear] [-w|--follow]}: the container's kernel-style event log
 * ({@code [seconds.micros] text}: loads, unloads, errors, vetoes, leaks, taints), oldest first.
 * {@code -c} prints, then clears it (in one step: nothing logged in between is lost); {@code -w}
 * prints, then prints each new event as the container pushes it, until interrupted (Ctrl-C at
 * the console interrupts the command). Debug-level events are not printed.
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
        List<ModuleEvent> held;
        try {
            log = container.get();
            held = clear ? log.clearDmesg() : log.events(0);
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "dmesg", e);
        }
        if (!options.follow) {
            List<String> lines = lines(held);
            return lines.isEmpty() ? null : String.join("\n", lines);
        }
        PrintStream out = System.out; // Gogo's System.out is per command thread: print here, not in the listener
        print(session, out, held);
        long from = held.isEmpty() ? 0 : held.get(held.size() - 1).sequence() + 1;
        BlockingQueue<ModuleEvent> pushed = new LinkedBlockingQueue<>();
        // Ctrl-C at the console interrupts this thread only; the command then returns quietly
        try (AutoCloseable ctrlC = Terminal.onInterrupt(session, Thread.currentThread());
                AutoCloseable following = log.follow(from, pushed::add)) {
            for (;;) {
                List<ModuleEvent> batch = new ArrayList<>();
                batch.add(pushed.take());
                pushed.drainTo(batch);
                print(session, out, batch);
            }
        } catch (InterruptedException e) {
            // Ctrl-C: dmesg -w ends normally, like the real one on SIGINT
        } catch (Exception e) {
            throw CommandErrors.report(session, "dmesg", e instanceof RuntimeException ? (RuntimeException) e
                    : new IllegalStateException(e));
        }
        Thread.interrupted(); // the interrupt was ours: do not leave it for the shell
        return null;
    }

    private static List<String> lines(List<ModuleEvent> events) {
        List<String> lines = new ArrayList<>();
        for (ModuleEvent e : events) {
            if (e.level() != ModuleEvent.Level.DEBUG) {
                lines.add(e.dmesgLine());
            }
        }
        return lines;
    }

    private static void print(CommandSession session, PrintStream out, List<ModuleEvent> events) {
        List<String> lines = lines(events);
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
