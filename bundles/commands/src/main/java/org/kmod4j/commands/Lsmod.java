package org.kmod4j.commands;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.Taint;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lsmod [--no-format]}: kmod's table ({@code "%-19s %8ld  %d holders"}) plus the state
 * column and permanent marker of {@code /proc/modules}, and the container's taint letters, newest
 * module first as {@code /proc/modules} lists them. At the console the Used-by column is cut with
 * an ellipsis to the terminal width rather than wrapped; piped or in a script every name is
 * printed whole ({@link Terminal#outputWidth}). With {@code --no-format}: tab-separated rows
 * without header, for scripts.
 */
public final class Lsmod {

    @Command(name = "lsmod", description = "Show the loaded modules: name, size, references and holders (Used by),"
            + " state and taints; the newest module first.")
    static final class Options {
        @Option(names = "--no-format", description = "Tab-separated rows without header, for scripts: name, size,"
                + " refcount, holders (comma-separated, [permanent] last; - if none), state, taints (- if none).")
        boolean noFormat;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    /** The Used-by column, the one cut to the terminal width. */
    private static final int USED_BY = 2;

    private final ContainerAccess container;

    Lsmod(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("show the loaded modules: name, size, references and holders (Used by), state and taints;"
            + " usage: lsmod [--no-format]")
    public String lsmod(CommandSession session, @Descriptor("[--no-format] [-h|--help]") String... arguments) {
        Options options = new Options();
        if (!KmodCommandLine.parse(session, options, arguments)) {
            return null;
        }
        try {
            ModuleContainer modules = container.get();
            // no final newline: the shell adds one when it prints a result
            String text = options.noFormat ? tabSeparated(modules)
                    : render(modules, Terminal.outputWidth(session), ellipsis());
            return text.isEmpty() ? null : text.stripTrailing();
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "lsmod", e);
        }
    }

    static String render(ModuleContainer container) {
        return render(container, Integer.MAX_VALUE, "");
    }

    static String render(ModuleContainer container, int width, String ellipsis) {
        Columns table = new Columns()
                .column("Module", Columns.Align.LEFT, 19, "")
                .column("Size", Columns.Align.RIGHT, 8, " ")
                .column("Used by", Columns.Align.LEFT, 0, "  ")
                .column("State", Columns.Align.LEFT, 0, "  ");
        for (Module module : newestFirst(container)) {
            table.row(module.name(), Long.toString(module.size()), usedBy(module), state(module));
        }
        StringBuilder out = new StringBuilder();
        Set<Taint> taints = container.taints();
        if (!taints.isEmpty()) {
            out.append("Tainted: ").append(Taint.letters(taints)).append('\n');
        }
        out.append(table.render(width, USED_BY, ellipsis));
        return out.toString();
    }

    /**
     * {@code name TAB size TAB refcount TAB holders TAB state TAB taints}, one line per module,
     * no header; holders are comma-separated with {@code [permanent]} last as in /proc/modules,
     * and an empty holders or taints field reads {@code -} so every line has six fields.
     */
    static String tabSeparated(ModuleContainer container) {
        StringBuilder out = new StringBuilder();
        for (Module module : newestFirst(container)) {
            List<String> users = new ArrayList<>(module.holders());
            if (module.isPermanent()) {
                users.add("[permanent]");
            }
            String taints = Taint.letters(module.taints());
            out.append(module.name()).append('\t')
                    .append(module.size()).append('\t')
                    .append(module.refcount()).append('\t')
                    .append(users.isEmpty() ? "-" : String.join(",", users)).append('\t')
                    .append(module.state().procName()).append('\t')
                    .append(taints.isEmpty() ? "-" : taints).append('\n');
        }
        return out.toString();
    }

    /** /proc/modules' order: modules are added at the head of the kernel's list. */
    static List<Module> newestFirst(ModuleContainer container) {
        List<Module> modules = new ArrayList<>(container.modules());
        Collections.reverse(modules);
        return modules;
    }

    /** {@code refcnt holder1,holder2}, with {@code [permanent]} as /proc/modules shows it. */
    static String usedBy(Module module) {
        List<String> users = new ArrayList<>(module.holders());
        if (module.isPermanent()) {
            users.add("[permanent]");
        }
        String refcount = Integer.toString(module.refcount());
        return users.isEmpty() ? refcount : refcount + " " + String.join(",", users);
    }

    /** Live / Loading / Unloading, followed by the module's own taints as in /proc/modules. */
    static String state(Module module) {
        String taints = Taint.letters(module.taints());
        return taints.isEmpty() ? module.state().procName() : module.state().procName() + " (" + taints + ")";
    }

    /** "…" where the output charset has it (Karaf's ShellTable decides the same way), else "...". */
    static String ellipsis() {
        return ellipsis(Charset.defaultCharset());
    }

    static String ellipsis(Charset charset) {
        return charset.newEncoder().canEncode('\u2026') ? "\u2026" : "...";
    }
}
