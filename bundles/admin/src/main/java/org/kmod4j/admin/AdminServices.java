package org.kmod4j.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandProcessor;

/**
 * What a long-running launcher (shell or {@code --no-shell}, not {@code -c}) runs next to the
 * container, in this order: restart persistence (the modules of the last run are restored from
 * {@code <state dir>/modules.state} in dependency order), the example modules, the deploy
 * folder, and last the control socket, so a client never sees a half-restored container.
 * {@link #close()} stops them in reverse order, before the framework stops.
 */
final class AdminServices implements AutoCloseable {

    private final Path stateDir;
    private final ContainerClient container;
    private final PrintStream err;
    private ModulePersistence persistence;
    private DeployWatcher deploy;
    private ControlSocket control;
    private List<String> restored = List.of();

    AdminServices(Path stateDir, ContainerClient container, PrintStream err) {
        this.stateDir = stateDir;
        this.container = container;
        this.err = err;
    }

    /** Starts persisting the loaded modules and restores the ones of the last run. @return their names */
    List<String> restore() {
        persistence = new ModulePersistence(stateDir, container, err);
        persistence.open();
        restored = persistence.restore();
        return restored;
    }

    List<String> restored() {
        return restored;
    }

    /**
     * Loads the example jars found in {@code examples}; a module of that name already loaded
     * (restored from the last run) is left as it is.
     *
     * @return the example module names now loaded
     */
    List<String> loadExamples(Path examples, List<String> jars) {
        List<String> loaded = new ArrayList<>();
        for (String example : jars) {
            String name = example.replace('-', '_');
            if (container.module(name).isPresent()) {
                loaded.add(name);
                continue;
            }
            try {
                loaded.add(container.load(examples.resolve(example + ".jar"), Map.of(), false).name());
            } catch (ContainerClient.Failure e) {
                if ("EEXIST".equals(e.errno())) {
                    loaded.add(name);
                } else {
                    err.println("insmod: ERROR: " + e.getMessage());
                }
            }
        }
        return loaded;
    }

    /** Starts watching the deploy folder. */
    Path startDeploy(Path dir) throws IOException {
        deploy = new DeployWatcher(dir, container, persistence, err);
        deploy.start();
        return deploy.directory();
    }

    /** Opens {@code <state dir>/control.sock}; a failure is reported and the container runs on without it. */
    Path startControlSocket(CommandProcessor processor) {
        try {
            control = ControlSocket.start(stateDir, processor, err);
            return control.path();
        } catch (IOException | RuntimeException e) {
            err.println("kmod4j: WARNING: no control socket in " + stateDir + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        if (deploy != null) {
            deploy.close();
        }
        if (persistence != null) {
            persistence.close();
        }
    }
}
