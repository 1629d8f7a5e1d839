package org.kmod4j.modprobe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * modprobe's command line: {@code modprobe [-n] [--first-time] [-D] [-r] [-w MS] [-b] [-a]
 * [--replace] NAME|ALIAS [key=value ...]}. Without {@code -a} (and without {@code -r}) the first operand
 * is the module and the rest are its parameters; with {@code -a} or {@code -r} every operand
 * is a module.
 */
final class ModprobeOptions {
    boolean dryRun;
    boolean firstTime;
    boolean showDepends;
    boolean remove;
    /** --replace: replace the loaded module by the index's jar (ModuleContainer.replace). */
    boolean replace;
    boolean applyBlacklist;
    boolean all;
    long waitMillis;
    final List<String> modules = new ArrayList<>();
    final Map<String, String> parameters = new LinkedHashMap<>();

    static ModprobeOptions defaults() {
        return new ModprobeOptions();
    }

    /** A copy for a soft dependency: same dry-run and blacklist policy, no first-time, no parameters. */
    ModprobeOptions forSoftdep() {
        ModprobeOptions o = new ModprobeOptions();
        o.dryRun = dryRun;
        o.showDepends = showDepends;
        o.applyBlacklist = applyBlacklist;
        return o;
    }

    static ModprobeOptions parse(String... arguments) {
        ModprobeOptions o = new ModprobeOptions();
        List<String> operands = new ArrayList<>();
        boolean optionsDone = false;
        for (int i = 0; i < arguments.length; i++) {
            String a = arguments[i];
            if (optionsDone || !a.startsWith("-") || a.equals("-")) {
                operands.add(a);
                if (!o.all && !o.remove) {
                    // kmod stops option parsing at the module name: the rest are its parameters
                    optionsDone = true;
                }
                continue;
            }
            switch (a) {
                case "--":
                    optionsDone = true;
                    break;
                case "-n":
                case "--dry-run":
                case "--show":
                    o.dryRun = true;
                    break;
                case "--first-time":
                    o.firstTime = true;
                    break;
                case "-D":
                case "--show-depends":
                    o.showDepends = true;
                    break;
                case "-r":
                case "--remove":
                    o.remove = true;
                    break;
                case "--replace":
                    o.replace = true;
                    break;
                case "-b":
                case "--use-blacklist":
                    o.applyBlacklist = true;
                    break;
                case "-a":
                case "--all":
                    o.all = true;
                    break;
                case "-w":
                case "--wait":
                    if (i + 1 >= arguments.length) {
                        throw new ModuleException(Errno.EINVAL, "option '" + a + "' requires a value (milliseconds)");
                    }
                    o.waitMillis = millis(arguments[++i]);
                    break;
                default:
                    if (a.startsWith("--wait=") || a.startsWith("-w=")) {
                        o.waitMillis = millis(a.substring(a.indexOf('=') + 1));
                    } else if (a.startsWith("-w") && a.length() > 2 && Character.isDigit(a.charAt(2))) {
                        o.waitMillis = millis(a.substring(2));
                    } else {
                        throw new ModuleException(Errno.EINVAL, "unrecognized option '" + a + "'");
                    }
            }
        }
        if (operands.isEmpty()) {
            throw new ModuleException(Errno.EINVAL, "missing parameters. See -h.");
        }
        if (o.all || o.remove) {
            o.modules.addAll(operands);
        } else {
            o.modules.add(operands.get(0));
            for (String p : operands.subList(1, operands.size())) {
                int eq = p.indexOf('=');
                String key = eq < 0 ? p : p.substring(0, eq);
                if (key.isEmpty()) {
                    throw new ModuleException(Errno.EINVAL, "Invalid parameters: '" + p + "' has no name");
                }
                o.parameters.put(key, eq < 0 ? "" : p.substring(eq + 1));
            }
        }
        if (o.replace && (o.remove || o.all || o.dryRun || o.showDepends)) {
            throw new ModuleException(Errno.EINVAL, "--replace cannot be combined with -r, -a, -n or -D");
        }
        if (o.waitMillis > 0 && !o.remove) {
            throw new ModuleException(Errno.EINVAL, "-w/--wait only applies to -r/--remove");
        }
        return o;
    }

    private static long millis(String s) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModuleException(Errno.EINVAL, "invalid wait time '" + s + "' (milliseconds)");
        }
    }
}
