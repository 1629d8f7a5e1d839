package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.shell.CommandErrors;
import org.kmod4j.shell.KmodCommandLine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rmmod [-f|--force] [-w|--wait[=MS]] NAME|FILE...}: unloads modules. Like kmod's
 * rmmod it goes on with the remaining names after a failure and fails at the end. The wait
 * option (modprobe -r -w) retries while the module is in use.
 */
public final class Rmmod {

    @Command(name = "rmmod", description = "Remove modules from the container.")
    static final class Options {
        @Option(names = {"-f", "--force"}, description = "Unload a module that still has references (taints R);"
                + " holders still refuse.")
        boolean force;

        @Option(names = {"-w", "--wait"}, arity = "0..1", paramLabel = "MS", fallbackValue = ""
                + UnloadOptions.DEFAULT_WAIT_MILLIS, description = "Retry while the module is in use, up to MS"
                + " milliseconds (default " + UnloadOptions.DEFAULT_WAIT_MILLIS + "); give MS as -w=MS or --wait=MS.")
        Long waitMillis;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Parameters(paramLabel = "NAME|FILE", description = "Loaded module names, or module jars.")
        List<String> names = new ArrayList<>();
    }

    private final ContainerAccess container;

    Rmmod(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("remove modules from the container:"
            + " rmmod [-f|--force] [-w|--wait[=MS]] NAME|FILE...; -f forces an unload of a module"
            + " with references (taints R), -w retries while it is in use (default "
            + UnloadOptions.DEFAULT_WAIT_MILLIS + " ms)")
    public void rmmod(CommandSession session,
            @Descriptor("[-f|--force] [-w|--wait[=MS]] NAME|FILE...") String... arguments) {
        Options parsed = new Options();
        if (!KmodCommandLine.parse(session, parsed, arguments)) {
            return;
        }
        if (parsed.names.isEmpty()) {
            throw CommandErrors.usage(session, "rmmod", "missing module name.");
        }
        UnloadOptions options;
        try {
            options = UnloadOptions.defaults().withForce(parsed.force);
            if (parsed.waitMillis != null) {
                options = options.withWaitMillis(parsed.waitMillis);
            }
        } catch (ModuleException e) {
            throw CommandErrors.report(session, "rmmod", e);
        }
        RuntimeException failure = null;
        for (String name : parsed.names) {
            try {
                ModuleContainer modules = container.get();
                String module = ModuleArguments.isModuleFilename(name)
                        ? ModuleArguments.inspect(session, modules, name, "could not remove module ").name()
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
}
