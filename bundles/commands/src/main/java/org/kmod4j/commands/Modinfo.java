package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modinfo [-F field] NAME|FILE...}: kmod's {@code %-16s} "key: value" lines for a module
 * jar (read without loading it) or a loaded module, which also shows its sysfs-like run-time
 * fields: state (initstate), refcnt, holders, taint, and one {@code srcu:} line per SRCU domain
 * ({@code <domain> gp=<grace periods> pending=<callbacks pending> callbacks=<yes|no>}).
 * {@code signer:} is kmod's signature field: the signing certificate's subject of a loaded
 * module, empty if unsigned (and for a jar, which is not checked without loading it).
 */
public final class Modinfo {

    @Command(name = "modinfo", description = "Show information about a module jar or a loaded module (for a loaded"
            + " module also state, refcnt, holders, taint and, per SRCU domain, grace periods and pending callbacks).")
    static final class Options {
        @Option(names = {"-F", "--field"}, paramLabel = "FIELD", description = "Print only this field's values, one"
                + " per line (e.g. -F parm, -F srcu).")
        String field = "";

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(paramLabel = "NAME|FILE", description = "Loaded module names, or module jars (path or file: URL).")
        List<String> modules = new ArrayList<>();
    }

    private final ContainerAccess container;

    Modinfo(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("show information about a module jar or a loaded module (state, refcnt, holders, taint and"
            + " per SRCU domain grace periods and pending callbacks when loaded);"
            + " usage: modinfo [-F field] NAME|FILE...")
    public String modinfo(CommandSession session,
            @Descriptor("[-F FIELD] NAME|FILE...") String... arguments) {
        Options options = new Options();
        if (!KmodCommandLine.parse(session, options, arguments)) {
            return null;
        }
        String field = options.field;
        List<String> modules = options.modules;
        try {
            if (modules.isEmpty()) {
                throw new ModuleException(Errno.EINVAL, "missing module or filename.");
            }
            ModuleContainer kernel = container.get();
            StringBuilder out = new StringBuilder();
            for (String module : modules) {
                List<String[]> lines = ModuleArguments.isModuleFilename(module)
                        ? lines(ModuleArguments.inspect(session, kernel, module, "could not get modinfo from "))
                        : lines(loaded(kernel, module));
                for (String[] line : lines) {
                    if (field.isEmpty()) {
                        out.append(String.format("%-16s%s", line[0] + ":", line[1]).stripTrailing()).append('\n');
                    } else if (line[0].equalsIgnoreCase(field)) {
                        out.append(line[1]).append('\n');
                    }
                }
            }
            String text = out.toString().stripTrailing();
            return text.isEmpty() ? null : text;
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "modinfo", e);
        }
    }

    private static Module loaded(ModuleContainer kernel, String name) {
        Optional<Module> module = kernel.find(name);
        if (module.isEmpty() && name.indexOf('-') >= 0) {
            module = kernel.find(name.replace('-', '_')); // kmod normalises '-' to '_'
        }
        return module.orElseThrow(() -> new ModuleException(Errno.ENOENT, "Module " + name + " not found."));
    }

    static List<String[]> lines(ModuleInfo info) {
        List<String[]> lines = new ArrayList<>();
        lines.add(line("filename", info.filename()));
        lines.add(line("name", info.name()));
        lines.add(line("version", info.version()));
        fields(lines, info.fields(), info.fields().getOrDefault("depends", List.of()));
        parms(lines, info.parameterSpecs());
        lines.add(line("signer", ""));
        if (info.permanent()) {
            lines.add(line("permanent", "Y"));
        }
        return lines;
    }

    static List<String[]> lines(Module module) {
        List<String[]> lines = new ArrayList<>();
        lines.add(line("filename", module.filename()));
        lines.add(line("name", module.name()));
        lines.add(line("version", module.version()));
        fields(lines, module.info(), module.uses());
        parms(lines, module.parameterSpecs());
        lines.add(line("signer", module.signer()));
        if (module.isPermanent()) {
            lines.add(line("permanent", "Y"));
        }
        for (Map.Entry<String, String> value : module.parameters().entrySet()) {
            lines.add(line("parmvalue", value.getKey() + "=" + value.getValue()));
        }
        lines.add(line("state", module.state().initstate()));
        lines.add(line("refcnt", Integer.toString(module.refcount())));
        lines.add(line("holders", String.join(",", module.holders())));
        lines.add(line("taint", Taint.letters(module.taints())));
        for (Map.Entry<String, SrcuDomain> domain : module.domains().entrySet()) {
            lines.add(line("srcu", srcu(domain.getKey(), domain.getValue())));
        }
        return lines;
    }

    /** The manifest fields in their order, with {@code depends} (comma list, like kmod) last. */
    private static void fields(List<String[]> lines, Map<String, List<String>> fields, List<String> depends) {
        for (Map.Entry<String, List<String>> field : fields.entrySet()) {
            String key = field.getKey().toLowerCase(Locale.ROOT);
            if (key.equals("depends") || key.equals("name") || key.equals("version") || key.equals("filename")) {
                continue;
            }
            for (String value : field.getValue()) {
                lines.add(line(key, value));
            }
        }
        lines.add(line("depends", String.join(",", depends)));
    }

    /** kmod's {@code parm: name:description (type)}. */
    private static void parms(List<String[]> lines, List<ParameterSpec> specs) {
        for (ParameterSpec spec : specs) {
            lines.add(line("parm", spec.name() + ":" + spec.description() + " (" + spec.type().typeName() + ")"));
        }
    }

    /** {@code <domain> gp=<gracePeriods> pending=<callbacksPending> callbacks=<yes|no>}. */
    static String srcu(String name, SrcuDomain domain) {
        return name + " gp=" + domain.gracePeriods() + " pending=" + domain.callbacksPending()
                + " callbacks=" + (domain.hadCallbacks() ? "yes" : "no");
    }

    private static String[] line(String key, String value) {
        return new String[] {key, value == null ? "" : value};
    }
}
