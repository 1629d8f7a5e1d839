package org.kmod4j.modprobe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * modprobe's command line: {@code modprobe [-n] [--first-time] [-D] [-r] [-w MS] [-b] [-a]
 * [-d DIR] [--replace [--cascade]] NAME|ALIAS [key=value ...]}, parsed by picocli. Options end at the first operand (as
 * in kmod); without {@code -a} (and without {@code -r}) the first operand is the module and the
 * rest are its parameters; with {@code -a} or {@code -r} every operand is a module.
 */
@Command(name = "modprobe", description = "Add a module with the modules it depends on, or remove one (-r) with the"
        + " dependencies nobody uses any more. NAME is looked up in the index depmod wrote (the modules directory,"
        + " or -d DIR), by name, then by alias.")
final class ModprobeOptions {
    @Option(names = {"-n", "--dry-run", "--show"}, description = "Print what would be loaded; load nothing.")
    boolean dryRun;

    @Option(names = "--first-time", description = "Fail if the module is already loaded (or, with -r, not loaded).")
    boolean firstTime;

    @Option(names = {"-D", "--show-depends"}, description = "Print the insmod lines of the module and its"
            + " dependencies, loaded or not.")
    boolean showDepends;

    @Option(names = {"-r", "--remove"}, description = "Remove the modules, then their dependencies nobody uses.")
    boolean remove;

    @Option(names = "--replace", description = "Replace the loaded module by the index's jar without downtime"
            + " (ModuleContainer.replace).")
    boolean replace;

    @Option(names = "--cascade", description = "With --replace: replace the modules wired to it too, in dependency"
            + " order.")
    boolean cascade;

    @Option(names = {"-b", "--use-blacklist"}, description = "Apply modprobe.conf's blacklist to names too, not only"
            + " to aliases.")
    boolean applyBlacklist;

    @Option(names = {"-a", "--all"}, description = "Every operand is a module (no parameters).")
    boolean all;

    @Option(names = {"-w", "--wait"}, paramLabel = "MS", description = "With -r: retry while a module is in use, up"
            + " to MS milliseconds.")
    long waitMillis;

    @Option(names = {"-d", "--dirname"}, paramLabel = "DIR", description = "The modules directory to read (its"
            + " index.xml, written by depmod DIR) instead of kmod4j.modules.dir.")
    Path dir;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Parameters(paramLabel = "NAME|ALIAS [key=value...]", description = "The module, then its parameters; with -a or"
            + " -r, modules.")
    List<String> operands = new ArrayList<>();

    final List<String> modules = new ArrayList<>();
    final Map<String, String> parameters = new LinkedHashMap<>();

    static ModprobeOptions defaults() {
        return new ModprobeOptions();
    }

    /** A copy for a soft dependency: same dry-run, blacklist policy and directory, no first-time, no parameters. */
    ModprobeOptions forSoftdep() {
        ModprobeOptions o = new ModprobeOptions();
        o.dryRun = dryRun;
        o.showDepends = showDepends;
        o.applyBlacklist = applyBlacklist;
        o.dir = dir;
        return o;
    }

    /** Parses a command line outside a shell session: a bad one is EINVAL with the parser's words. */
    static ModprobeOptions parse(String... arguments) {
        ModprobeOptions o = new ModprobeOptions();
        CommandLine cli = new CommandLine(o);
        cli.setStopAtPositional(true);
        try {
            cli.parseArgs(arguments);
        } catch (CommandLine.ParameterException e) {
            throw new ModuleException(Errno.EINVAL, e.getMessage(), e);
        }
        return o.finish();
    }

    /**
     * Splits the operands into modules and parameters and checks what the parser cannot.
     *
     * @return this
     */
    ModprobeOptions finish() {
        if (operands.isEmpty()) {
            throw new ModuleException(Errno.EINVAL, "missing parameters. See -h.");
        }
        modules.clear();
        parameters.clear();
        if (all || remove) {
            modules.addAll(operands);
        } else {
            modules.add(operands.get(0));
            parameters.putAll(LoadOptions.parseParameters(operands.subList(1, operands.size())));
        }
        if (waitMillis < 0) {
            throw new ModuleException(Errno.EINVAL, "invalid wait time '" + waitMillis + "' (milliseconds)");
        }
        if (replace && (remove || all || dryRun || showDepends)) {
            throw new ModuleException(Errno.EINVAL, "--replace cannot be combined with -r, -a, -n or -D");
        }
        if (cascade && !replace) {
            throw new ModuleException(Errno.EINVAL, "--cascade only applies to --replace");
        }
        if (waitMillis > 0 && !remove) {
            throw new ModuleException(Errno.EINVAL, "-w/--wait only applies to -r/--remove");
        }
        return this;
    }
}
