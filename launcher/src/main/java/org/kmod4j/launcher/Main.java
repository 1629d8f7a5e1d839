package org.kmod4j.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar kmod4j.jar}: embeds Felix, installs the kmod4j container, and either opens
 * the Gogo shell (default, with the example modules loaded) or runs {@code -c} commands and
 * exits with their status.
 */
@Command(name = "kmod4j", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Runs the kmod4j module container on Apache Felix with a Gogo shell"
                + " (lsmod, insmod, rmmod, modinfo).")
public final class Main implements Callable<Integer> {

    private static final long CONTAINER_TIMEOUT_MILLIS = 30_000;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "kmod4j-state",
            description = "Container state directory (framework property kmod4j.state.dir); the Felix"
                    + " cache lives in DIR/felix-cache and is cleaned at start. Default: ${DEFAULT-VALUE}")
    private Path stateDir;

    @Option(names = {"-c", "--command"}, paramLabel = "'CMD; CMD'",
            description = "Run these ';'-separated shell commands without examples or shell, print each"
                    + " result, stop at the first failure; exit status 1 if a command failed, else 0.")
    private String command;

    @Option(names = "--no-shell", description = "Do not open the interactive shell; run until stopped (Ctrl-C).")
    private boolean noShell;

    @Option(names = "--no-examples", description = "Do not load the example modules at start.")
    private boolean noExamples;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            System.err.println("kmod4j: ERROR: " + e.getMessage());
            if (Boolean.getBoolean("kmod4j.debug")) {
                e.printStackTrace();
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path state = stateDir.toAbsolutePath().normalize();
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (EmbeddedFelix felix = EmbeddedFelix.start(state, new FelixLog(err))) {
            ContainerClient container = felix.installContainer(CONTAINER_TIMEOUT_MILLIS);
            felix.startGogoRuntime();
            felix.installAndStart(EmbeddedBundles.COMMANDS);
            if (command != null) {
                return CommandScript.run(felix.commandProcessor(), command, System.in, out, err);
            }
            Path examples = null;
            List<String> loaded = new ArrayList<>();
            if (!noExamples) {
                examples = EmbeddedBundles.extractExamples(state.resolve("examples"));
                for (String example : EmbeddedBundles.EXAMPLES_LOADED_AT_START) {
                    Path jar = examples.resolve(example + ".jar");
                    try {
                        container.load(jar);
                        loaded.add(example.replace('-', '_'));
                    } catch (RuntimeException e) {
                        err.println("insmod: ERROR: " + e.getMessage());
                    }
                }
            }
            out.print(Banner.text(state, examples, loaded, !noShell));
            out.flush();
            if (!noShell) {
                felix.startShell();
            }
            felix.awaitStop();
            return 0;
        }
    }
}
