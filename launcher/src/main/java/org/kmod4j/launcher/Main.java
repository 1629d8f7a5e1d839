package org.kmod4j.launcher;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kmod4j.admin.AdminProperties;
import org.kmod4j.shell.control.CommandScript;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar kmod4j.jar}: embeds Felix, installs the kmod4j container, and either opens
 * the Gogo shell (default, with the example modules loaded) or runs {@code -c} commands and
 * exits with their status. A long-running container (shell or {@code --no-shell}) also restores
 * the modules of its last run, watches the deploy folder and listens on its control socket
 * (kmod4j-admin, configured by {@link #adminProperties}). With command words ({@code kmod4j lsmod}) it starts no container: it
 * sends the command to the one running on the state directory ({@link ControlClient}).
 */
@Command(name = "kmod4j", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Runs the kmod4j module container on Apache Felix with a Gogo shell (lsmod,"
                + " insmod, rmmod, modinfo, modprobe, depmod, dmesg), or sends COMMAND to the container already running"
                + " on the state directory.",
            "",
            "The container restores the modules loaded in its last run (DIR/modules.state), loads the"
                + " examples, watches the deploy folder and listens on DIR/control.sock (owner only).",
            ""},
        footer = {"", "Examples:",
            "  java -jar kmod4j.jar               the shell, with the examples loaded",
            "  java -jar kmod4j.jar --no-shell &  a container in the background",
            "  java -jar kmod4j.jar lsmod         lsmod in that container, its exit status",
            "  java -jar kmod4j.jar insmod x.jar k=v     (relative paths: the client's)",
            "  java -jar kmod4j.jar 'rmmod a; lsmod'     (one word with ';': a script)",
            "  java -jar kmod4j.jar -c 'lsmod'    a throw-away container: no restore,",
            "                                     deploy folder or control socket",
            "bin/kmod4j wraps this for bash: kmod4j lsmod, kmod4j rmmod hello."})
public final class Main implements Callable<Integer> {

    private static final long CONTAINER_TIMEOUT_MILLIS = 30_000;

    private static final Path DEFAULT_STATE_DIR = Path.of("kmod4j-state");

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Container state directory (framework property kmod4j.state.dir); the Felix"
                    + " cache lives in DIR/felix-cache and is cleaned at start. Created mode 0700; an existing"
                    + " one must be yours and not group/world-writable. Default: ./kmod4j-state (with -c: a"
                    + " private temporary directory, deleted at exit)")
    private Path stateDir;

    @Option(names = {"-c", "--command"}, paramLabel = "'CMD; CMD'",
            description = "Run these ';'-separated shell commands without examples or shell, print each"
                    + " result, stop at the first failure; exit status 1 if a command failed, else 0.")
    private String command;

    @Option(names = "--no-shell", description = "Do not open the interactive shell; run until stopped (Ctrl-C).")
    private boolean noShell;

    @Option(names = "--no-examples", description = "Do not load the example modules at start.")
    private boolean noExamples;

    @Option(names = "--deploy-dir", paramLabel = "DIR", defaultValue = "deploy",
            description = "Hot-deploy folder: a *.jar dropped in loads, removed unloads, changed is replaced."
                    + "%nDefault: ./${DEFAULT-VALUE}")
    private Path deployDir;

    @Option(names = "--no-deploy", description = "Do not watch a deploy folder.")
    private boolean noDeploy;

    @Option(names = "--modules-dir", paramLabel = "DIR", defaultValue = "modules",
            description = "The modules directory, the analogue of /lib/modules: 'depmod' indexes its jars,"
                    + " 'modprobe NAME' loads from that index.%nFramework property: kmod4j.modules.dir%nDefault:"
                    + " ./${DEFAULT-VALUE}")
    private Path modulesDir;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "A command and its arguments for the container running on --state-dir; no container"
                    + " is started. Exit status 1 if none is running.%nSent over: DIR/control.sock")
    private List<String> words = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        // everything after the first COMMAND word is its arguments (kmod4j rmmod -f hello)
        cli.setStopAtPositional(true);
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
        Path state = (stateDir == null ? DEFAULT_STATE_DIR : stateDir).toAbsolutePath().normalize();
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (!words.isEmpty()) {
            if (command != null) {
                err.println("kmod4j: ERROR: give either -c 'CMD; CMD' or COMMAND words, not both");
                return 2;
            }
            return ControlClient.run(state, words, Path.of("").toAbsolutePath(), out, err);
        }
        // locked before anything touches it (Felix cleans its cache there); -c is throw-away
        try (StateDirectory dir = command != null && stateDir == null ? StateDirectory.temporary() : StateDirectory.open(state)) {
            state = dir.path();
            Path examples = command == null && !noExamples ? EmbeddedBundles.extractExamples(state.resolve("examples")) : null;
            try (EmbeddedFelix felix = EmbeddedFelix.start(state, dir.token(), modulesDir.toAbsolutePath().normalize(),
                    new FelixLog(err), adminProperties(examples))) {
                felix.installContainer();
                felix.startGogoRuntime();
                felix.installAndStart(EmbeddedBundles.COMMANDS);
                // after the commands: its control socket runs them; uncaught exceptions print "Modules linked in: ..."
                AdminState admin = felix.startAdmin(CONTAINER_TIMEOUT_MILLIS, err);
                if (command != null) {
                    return CommandScript.run(felix.commandProcessor(), command, System.in, out, err);
                }
                out.print(Banner.text(state, examples, admin.loaded(), !noShell, admin.restored(), admin.deployDir(),
                        admin.socket()));
                out.flush();
                if (!noShell) {
                    felix.startShell();
                }
                felix.awaitStop();
                return 0;
            }
        }
    }

    /**
     * kmod4j-admin's settings: with {@code -c} only the oops report (no restore, deploy folder or
     * socket); else restore, the example jars loaded at start, the deploy folder unless
     * {@code --no-deploy}, and the socket {@code <state dir>/control.sock}.
     *
     * @param examples the extracted example jars' folder, null without examples
     */
    private Map<String, String> adminProperties(Path examples) {
        Map<String, String> admin = new HashMap<>();
        if (command != null) {
            admin.put(AdminProperties.RESTORE, "false");
            admin.put(AdminProperties.CONTROL_SOCKET, AdminProperties.NO_SOCKET);
            return admin;
        }
        if (!noDeploy) {
            admin.put(AdminProperties.DEPLOY_DIR, deployDir.toAbsolutePath().normalize().toString());
        }
        if (examples != null) {
            List<String> jars = new ArrayList<>();
            EmbeddedBundles.EXAMPLES_LOADED_AT_START.forEach(e -> jars.add(examples.resolve(e + ".jar").toString()));
            admin.put(AdminProperties.MODULES_LOAD, String.join(File.pathSeparator, jars));
        }
        return admin;
    }
}
