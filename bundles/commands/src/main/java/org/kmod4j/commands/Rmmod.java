package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;

/**
 * {@code rmmod [-f|--force] [-w|--wait[=MS]] NAME|FILE...}: unloads modules. Like kmod's
 * rmmod it goes on with the remaining names after a failure and fails at the end. The wait
 * option (modprobe -r -w) retries while the module is in use; the options are parsed here
 * because Gogo's {@code @Parameter} has no optional values.
 */
public final class Rmmod {

    private final ContainerAccess container;

    Rmmod(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("remove modules from the container:"
            + " rmmod [-f|--force] [-w|--wait[=MS]] NAME|FILE...; -f forces an unload of a module"
            + " with references (taints R), -w retries while it is in use (default "
            + UnloadOptions.DEFAULT_WAIT_MILLIS + " ms)")
    public void rmmod(CommandSession session,
            @Descriptor("options, then module names or module jars") String... arguments) {
        UnloadOptions options = UnloadOptions.defaults();
        List<String> names = new ArrayList<>();
        boolean optionsDone = false;
        for (String argument : arguments) {
            if (!optionsDone && argument.startsWith("-")) {
                options = option(session, options, argument);
                if (argument.equals("--")) {
                    optionsDone = true;
                }
            } else {
                names.add(argument);
            }
        }
        if (names.isEmpty()) {
            throw CommandErrors.usage(session, "rmmod", "missing module name.");
        }
        RuntimeException failure = null;
        for (String name : names) {
            try {
                ModuleContainer modules = container.get();
                String module = ModuleArguments.isModuleFilename(name)
                        ? modules.inspect(ModuleArguments.file(session, name)).name()
                        : name;
                modules.unload(module, options);
            } catch (RuntimeException e) {
                if (failure != null) {
                    CommandErrors.printOnly("rmmod", failure); // every failure is reported once
                }
                failure = e;
            }
        }
        if (failure != null) {
            throw CommandErrors.report(session, "rmmod", failure);
        }
    }

    private static UnloadOptions option(CommandSession session, UnloadOptions options, String argument) {
        switch (argument) {
            case "--":
                return options;
            case "-f":
            case "--force":
                return options.withForce(true);
            case "-w":
            case "--wait":
                return options.withWaitMillis(UnloadOptions.DEFAULT_WAIT_MILLIS);
            default:
                if (argument.startsWith("--wait=") || argument.startsWith("-w=")) {
                    String millis = argument.substring(argument.indexOf('=') + 1);
                    try {
                        return options.withWaitMillis(Long.parseLong(millis));
                    } catch (NumberFormatException e) {
                        throw CommandErrors.usage(session, "rmmod", "invalid wait time '" + millis + "' (milliseconds)");
                    } catch (ModuleException e) {
                        throw CommandErrors.report(session, "rmmod", e);
                    }
                }
                throw CommandErrors.usage(session, "rmmod", "unrecognized option '" + argument + "'");
        }
    }
}
