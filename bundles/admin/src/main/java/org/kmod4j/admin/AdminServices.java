package org.kmod4j.admin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.osgi.framework.BundleContext;

/**
 * What the admin bundle runs for one container and one configuration: the oops handler, the
 * persisted module state (restore at start), the modules to load at start, the deploy folder
 * and the control socket. {@link #start} runs them in that order (a deployed jar is adopted only
 * once its module is restored); {@link #close} stops them in reverse order.
 */
final class AdminServices implements AutoCloseable {

    private final Path stateDir;
    private final ModuleContainer container;
    private final BundleContext context;
    private final AdminConfig config;
    private final PrintStream err;
    private ModulesLinkedIn oops;
    private ModulePersistence persistence;
    private DeployWatcher deploy;
    private ControlSocket control;
    private CommandProcessor processor;
    private List<String> restored = List.of();
    private List<String> loaded = List.of();

    AdminServices(Path stateDir, ModuleContainer container, BundleContext context, AdminConfig config, PrintStream err) {
        this.stateDir = stateDir;
        this.container = container;
        this.context = context;
        this.config = config;
        this.err = err;
    }

    Path stateDir() {
        return stateDir;
    }

    ModuleContainer container() {
        return container;
    }

    AdminConfig config() {
        return config;
    }

    /** Everything but the control socket (it needs Gogo: {@link #controlSocket}). */
    void start() {
        if (config.oops()) {
            oops = ModulesLinkedIn.install(container);
        }
        if (config.restore()) {
            persistence = new ModulePersistence(stateDir, container, context, err);
            persistence.open();
            restored = persistence.restore();
        }
        loaded = loadAtStart(config.modulesLoad());
        if (config.deployDir() != null) {
            DeployWatcher watcher = new DeployWatcher(config.deployDir(), container, persistence, err);
            try {
                watcher.start();
                deploy = watcher;
            } catch (IOException | RuntimeException e) {
                watcher.close();
                err.println("kmod4j: WARNING: no deploy folder " + config.deployDir() + ": " + e.getMessage());
            }
        }
    }

    /** The modules restored from the last run. */
    List<String> restored() {
        return restored;
    }

    /** The modules of {@link AdminConfig#modulesLoad()} now loaded. */
    List<String> loaded() {
        return loaded;
    }

    /** The deploy folder being watched, or null. */
    Path deployDirectory() {
        return deploy == null ? null : deploy.directory();
    }

    /** The control socket listening, or null. */
    Path socket() {
        return control == null ? null : control.path();
    }

    /**
     * Loads each jar unless a module of its name is loaded already (restored from the last run).
     *
     * @return the names now loaded
     */
    private List<String> loadAtStart(List<Path> jars) {
        List<String> names = new ArrayList<>();
        for (Path jar : jars) {
            try {
                String name = container.inspect(jar).name();
                if (container.find(name).isEmpty()) {
                    container.load(jar, LoadOptions.defaults());
                }
                names.add(name);
            } catch (ModuleException e) {
                if (e.errno() == Errno.EEXIST) {
                    names.add(container.inspect(jar).name());
                } else {
                    err.println("insmod: ERROR: " + e.getMessage());
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * Opens the control socket on {@code processor}, or closes it when null; a socket on another
     * processor is replaced. A failure is reported and the container runs on without it.
     */
    void controlSocket(CommandProcessor processor) {
        if (processor == this.processor) {
            return;
        }
        closeControlSocket();
        this.processor = processor;
        Path path = config.socket(stateDir);
        if (processor == null || path == null) {
            return;
        }
        try {
            control = ControlSocket.start(path, processor, err);
        } catch (IOException | RuntimeException e) {
            err.println("kmod4j: WARNING: no control socket " + path + ": " + e.getMessage());
        }
    }

    private void closeControlSocket() {
        if (control != null) {
            control.close();
            control = null;
        }
    }

    @Override
    public void close() {
        closeControlSocket();
        processor = null;
        if (deploy != null) {
            deploy.close();
        }
        if (persistence != null) {
            persistence.close();
        }
        if (oops != null) {
            oops.uninstall();
        }
    }
}
