package org.kmod4j.modprobe;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * The Gogo commands {@code kmod:modprobe} and {@code kmod:depmod}. Errors follow kmod and the
 * other kmod4j commands: {@code <prog>: ERROR: <message>} on the session's error stream, then the
 * ModuleException is rethrown so {@code -c} exits non-zero. Only loaded when Gogo is present.
 */
public final class ModprobeCommands {
    private final Modprobe modprobe;

    ModprobeCommands(Modprobe modprobe) {
        this.modprobe = modprobe;
    }

    @Descriptor("add or remove modules with their dependencies: modprobe [-n] [--first-time] [-D] [-r] [-w MS] [-b] [-a]"
            + " [--replace] NAME|ALIAS [key=value ...]")
    public void modprobe(CommandSession session,
            @Descriptor("-n dry run, --first-time fail if already (un)loaded, -D show dependencies, -r remove"
                    + " (then unused dependencies), -w MS wait with -r, -b apply the blacklist always, -a several modules,"
                    + " --replace replace the loaded module without downtime; then NAME|ALIAS and its parameters key=value") String... arguments) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            ModprobeOptions o = ModprobeOptions.parse(arguments);
            modprobe.run(o, out, message -> {
                err.println("modprobe: WARNING: " + message);
                err.flush();
            });
            out.flush();
        } catch (RuntimeException e) {
            throw report("modprobe", e);
        }
    }

    @Descriptor("index the module jars of a folder (default: the framework property kmod4j.modules.dir) into its index.xml")
    public void depmod(CommandSession session) {
        depmod(session, (String) null);
    }

    @Descriptor("index the module jars of a folder into DIR/index.xml (an OSGi repository index)")
    public void depmod(CommandSession session, @Descriptor("the folder of module jars") String dir) {
        try {
            Path path = null;
            if (dir != null) {
                path = Paths.get(dir);
                if (!path.isAbsolute()) {
                    Path base = session == null ? null : session.currentDir();
                    path = (base == null ? Paths.get("").toAbsolutePath() : base).resolve(path).normalize();
                }
            }
            ModuleIndex.Result r = modprobe.depmod(path, System.out);
            for (String s : r.skipped) {
                System.err.println("depmod: WARNING: skipped " + s);
            }
            System.out.println(r);
            System.out.flush();
        } catch (RuntimeException e) {
            throw report("depmod", e);
        }
    }

    static ModuleException report(String command, RuntimeException failure) {
        ModuleException error = failure instanceof ModuleException
                ? (ModuleException) failure
                : new ModuleException(Errno.EINVAL, String.valueOf(failure.getMessage()), failure);
        PrintStream err = System.err;
        err.println(command + ": ERROR: " + error.getMessage());
        err.flush();
        return error;
    }
}
