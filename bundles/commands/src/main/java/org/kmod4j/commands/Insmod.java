package org.kmod4j.commands;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.kmod4j.api.LoadOptions;

/**
 * {@code insmod [--permanent] [--replace] FILE [key=value ...]}: loads one module jar, no
 * dependency resolution (that is modprobe's job). Silent on success, like kmod's insmod.
 * {@code --replace} replaces the loaded module of the jar's name without downtime
 * ({@link org.kmod4j.api.ModuleContainer#replace}).
 */
public final class Insmod {

    private final ContainerAccess container;

    Insmod(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("insert a module jar into the container: insmod [-p|--permanent] [--replace] FILE [key=value ...]")
    public void insmod(CommandSession session,
            @Descriptor("load as a permanent module (never unloadable)")
            @Parameter(names = {"-p", "--permanent"}, presentValue = "true", absentValue = "false")
            boolean permanent,
            @Descriptor("replace the loaded module of that name without downtime (refused while modules are wired to it)")
            @Parameter(names = {"--replace"}, presentValue = "true", absentValue = "false")
            boolean replace,
            @Descriptor("FILE (the module jar: a path, a file: URL, or mvn:group/artifact/version from the local Maven repository),"
                    + " then module parameters key=value"
                    + " (a bare key means an empty value)") String... arguments) {
        if (arguments.length == 0) {
            throw CommandErrors.usage(session, "insmod", "missing filename.");
        }
        try {
            Path jar = ModuleArguments.file(session, arguments[0]);
            List<String> parameters = Arrays.asList(arguments).subList(1, arguments.length);
            LoadOptions options = LoadOptions.of(ModuleArguments.parameters(parameters)).withPermanent(permanent);
            if (replace) {
                container.get().replace(jar, options);
            } else {
                container.get().load(jar, options);
            }
        } catch (RuntimeException e) {
            throw CommandErrors.report(session, "insmod", e);
        }
    }
}
