package org.kmod4j.modprobe;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The Gogo commands {@code kmod:modprobe} and {@code kmod:depmod}. Command lines and errors follow
 * kmod and the other kmod4j commands ({@link KmodCommandLine}, {@link CommandErrors}):
 * {@code <prog>: ERROR: <message>} once, and a failed command fails (exit status 1 in scripts).
 * Only loaded when Gogo is present.
 */
public final class ModprobeCommands {

    @Command(name = "depmod", description = "Index the module jars of a folder into DIR/index.xml (an OSGi"
            + " repository index), which modprobe reads. Without DIR: the modules directory (kmod4j.modules.dir).")
    static final class DepmodOptions {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(arity = "0..1", paramLabel = "DIR", description = "The folder of module jars.")
        String dir;
    }

    private final Modprobe modprobe;

    ModprobeCommands(Modprobe modprobe) {
        this.modprobe = modprobe;
    }

    @Descriptor("add or remove modules with their dependencies: modprobe [-n] [--first-time] [-D] [-r] [-w MS] [-b] [-a]"
            + " [-d DIR] [--replace [--cascade]] NAME|ALIAS [key=value ...]")
    public void modprobe(CommandSession session, @Descriptor("options, then NAME|ALIAS and its parameters key=value")
            String... arguments) {
        ModprobeOptions o = new ModprobeOptions();
        if (!KmodCommandLine.parse(session, o, true, arguments)) {
            return;
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            o.finish();
            Modprobe m = o.dir == null ? modprobe : modprobe.withModulesDir(resolve(session, o.dir.toString()));
            m.run(o, out, message -> {
                err.println("modprobe: WARNING: " + message);
                err.flush();
            });
            out.flush();
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "modprobe", e);
        }
    }

    @Descriptor("index the module jars of a folder (default: the modules directory, kmod4j.modules.dir) into DIR/index.xml")
    public void depmod(CommandSession session, @Descriptor("[DIR]") String... arguments) {
        DepmodOptions o = new DepmodOptions();
        if (!KmodCommandLine.parse(session, o, arguments)) {
            return;
        }
        try {
            Path path = o.dir == null ? null : resolve(session, o.dir);
            ModuleIndex.Result r = modprobe.depmod(path, System.out);
            for (String s : r.skipped) {
                System.err.println("depmod: WARNING: skipped " + s);
            }
            System.out.println(r);
            System.out.flush();
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "depmod", e);
        }
    }

    /**
     * The module names modprobe can load from the modules directory's index (none without an
     * index): Tab completion's candidates for {@code modprobe NAME}.
     */
    @Descriptor("the module names in the modules directory's index, for Tab completion")
    public List<String> __modprobe_names() {
        List<String> names = new ArrayList<>();
        try {
            for (IndexEntry e : modprobe.index().entries) {
                names.add(e.name);
            }
        } catch (RuntimeException e) {
            // no index (yet): nothing to offer
        }
        return names;
    }

    /** A folder argument: relative to the session's directory (the client's, over the control socket). */
    private static Path resolve(CommandSession session, String dir) {
        Path path = Paths.get(dir);
        if (path.isAbsolute()) {
            return path.normalize();
        }
        Path base = session == null ? null : session.currentDir();
        return (base == null ? Paths.get("").toAbsolutePath() : base).resolve(path).normalize();
    }
}
