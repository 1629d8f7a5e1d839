package org.kmod4j.commands;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code help [-a] [COMMAND]}: the kmod commands first, each with one line; {@code help COMMAND}
 * shows a kmod command's options (its {@code --help}) or Gogo's help for any other command;
 * {@code help -a} is Gogo's full list (gogo.command's {@code felix:help}, some 130 commands at the
 * console, where the five kmod ones were buried).
 */
public final class Help {

    /** The kmod commands in the order an admin meets them, with what each does. */
    static final Map<String, String> KMOD = new LinkedHashMap<>();

    static {
        KMOD.put("lsmod", "show the loaded modules (Used by: their holders), newest first");
        KMOD.put("insmod", "insert one module jar: insmod FILE [key=value ...]");
        KMOD.put("rmmod", "remove modules: rmmod [-f] [-w[=MS]] NAME...");
        KMOD.put("modinfo", "show a module's fields: modinfo [-F FIELD] NAME|FILE...");
        KMOD.put("modprobe", "load a module with its dependencies, or remove it with -r: modprobe [-r] NAME");
        KMOD.put("depmod", "index the modules directory for modprobe: depmod [DIR]");
        KMOD.put("dmesg", "print the container's log: dmesg [-c] [-w]");
    }

    @Command(name = "help", description = "The kmod commands; help COMMAND shows one command's options.")
    static final class Options {
        @Option(names = {"-a", "--all"}, description = "Every command of the shell (Gogo's list).")
        boolean all;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "The command to describe.")
        String command;
    }

    @Descriptor("the kmod commands first; help COMMAND for one command's options; help -a for every command")
    public Object help(CommandSession session, @Descriptor("[-a] [COMMAND]") String... arguments) throws Exception {
        Options options = new Options();
        if (!KmodCommandLine.parse(session, options, arguments)) {
            return null;
        }
        if (options.command != null) {
            String name = options.command.startsWith("kmod:") ? options.command.substring(5) : options.command;
            if (KMOD.containsKey(name) && present(session, name)) {
                return session.execute("kmod:" + name + " --help");
            }
            return gogo(session, " " + options.command);
        }
        if (options.all) {
            return gogo(session, "");
        }
        PrintStream out = System.out;
        out.println("kmod commands (help COMMAND for its options):");
        for (Map.Entry<String, String> command : KMOD.entrySet()) {
            if (present(session, command.getKey())) {
                out.println(String.format("  %-9s %s", command.getKey(), command.getValue()));
            }
        }
        out.println("  exit      leave the shell (Ctrl-D too)");
        out.println("Type 'help -a' for every command of the shell (Gogo's list).");
        out.flush();
        return null;
    }

    /** gogo.command's help (in every mode), else the console's. */
    private static Object gogo(CommandSession session, String rest) throws Exception {
        for (String help : new String[] {"felix:help", "gogo:help"}) {
            if (session.get(help) != null) {
                return session.execute(help + rest);
            }
        }
        throw CommandErrors.usage(session, "help", "no Gogo help command is installed");
    }

    private static boolean present(CommandSession session, String command) {
        try {
            return session == null || session.get("kmod:" + command) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
