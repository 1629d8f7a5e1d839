package org.kmod4j.commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code insmod [--permanent] [--replace [--cascade]] FILE [key=value ...]}: loads one module jar, no
 * dependency resolution (that is modprobe's job). Silent on success, like kmod's insmod. Options
 * come before FILE; the words after it are the module's parameters. {@code --replace} replaces
 * the loaded module of the jar's name without downtime ({@link org.kmod4j.api.ModuleContainer#replace}),
 * with {@code --cascade} together with the modules wired to it.
 */
public final class Insmod {

    @Command(name = "insmod", description = "Insert a module jar into the container (no dependencies: see modprobe).")
    static final class Options {
        @Option(names = {"-p", "--permanent"}, description = "Load as a permanent module (never unloadable).")
        boolean permanent;

        @Option(names = "--replace", description = "Replace the loaded module of that name without downtime"
                + " (refused while modules are wired to it).")
        boolean replace;

        @Option(names = "--cascade", description = "With --replace: replace the modules wired to it too, in"
                + " dependency order.")
        boolean cascade;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The module jar: a path, a file:"
                + " URL, or mvn:group/artifact/version from the local Maven repository.")
        String file;

        @Parameters(index = "1..*", paramLabel = "key=value", description = "Module parameters (a bare key means an"
                + " empty value).")
        List<String> parameters = new ArrayList<>();
    }

    private final ContainerAccess container;

    Insmod(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("insert a module jar into the container: insmod [-p|--permanent] [--replace [--cascade]] FILE"
            + " [key=value ...]")
    public void insmod(CommandSession session,
            @Descriptor("[-p|--permanent] [--replace [--cascade]] FILE [key=value ...]") String... arguments) {
        Options options = new Options();
        if (!KmodCommandLine.parse(session, options, true, arguments)) {
            return;
        }
        if (options.file == null) {
            throw CommandErrors.usage(session, "insmod", "missing filename.");
        }
        if (options.cascade && !options.replace) {
            throw CommandErrors.usage(session, "insmod", "--cascade only applies to --replace.");
        }
        try {
            if (options.file.isBlank()) {
                throw new ModuleException(Errno.ENOENT, "could not load module '" + options.file
                        + "': No such file or directory");
            }
            Path jar = ModuleArguments.file(session, options.file);
            LoadOptions load = LoadOptions.of(LoadOptions.parseParameters(options.parameters))
                    .withPermanent(options.permanent);
            if (options.replace) {
                container.get().replace(jar, load, ReplaceOptions.defaults().withCascade(options.cascade));
            } else {
                container.get().load(jar, load);
            }
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "insmod", e);
        }
    }
}
