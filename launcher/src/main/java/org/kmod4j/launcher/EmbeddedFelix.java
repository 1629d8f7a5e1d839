package org.kmod4j.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.activator.Activator;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Felix embedded in this JVM, with the kmod4j container and Gogo.
 *
 * <p>The working arrangement: the Gogo <em>runtime</em> lives on the host class path, next to
 * Felix, and its activator is started here with the system bundle's context. Its API packages
 * ({@code org.apache.felix.service.command}, {@code .command.annotations},
 * {@code org.apache.felix.service.threadio}) and its implementation packages
 * ({@code org.apache.felix.gogo.runtime}, {@code .runtime.threadio}: gogo.jline imports
 * {@code org.apache.felix.gogo.runtime}) are exported by the system bundle through
 * {@code org.osgi.framework.system.packages.extra}, at the runtime's own versions. So the
 * {@code CommandProcessor} service, the bundles that register commands (gogo.command,
 * kmod4j-commands) and this launcher all see one copy of the Gogo API, and the launcher can
 * open a {@code CommandSession} for {@code -c} without reflection. jline, gogo.jline and
 * gogo.command are ordinary bundles installed from the launcher jar. The container is a
 * framework extension (see TOOLCHAIN.md): installed after {@code start()}, never started.
 * kmod4j-admin, an ordinary bundle, does restore, the deploy folder and the control socket; the
 * launcher configures it with framework properties and reads its state ({@link AdminState}).
 */
final class EmbeddedFelix implements AutoCloseable {

    /** The framework property naming the container's state directory. */
    static final String STATE_DIR_PROPERTY = "kmod4j.state.dir";

    /** The framework property naming the modules directory (depmod, modprobe). */
    static final String MODULES_DIR_PROPERTY = "kmod4j.modules.dir";

    /** gogo.jline reads {@code etc/gosh_profile} under this folder ({@link ShellProfile}). */
    static final String GOSH_HOME_PROPERTY = "gosh.home";

    /** Held so that its level stays set (java.util.logging keeps loggers weakly). */
    private static final Logger JLINE_LOG = Logger.getLogger("org.jline");

    private final Framework framework;
    private final FelixLog log;
    private final Activator gogo = new Activator();
    private boolean gogoStarted;

    private EmbeddedFelix(Framework framework, FelixLog log) {
        this.framework = framework;
        this.log = log;
    }

    /**
     * Starts Felix with its cache under {@code stateDir/felix-cache} (cleaned at each start) and
     * the console's profile under {@code stateDir/shell}.
     *
     * @param lockToken the token of the state directory's lock, held by the caller ({@link StateDirectory})
     * @param admin kmod4j-admin's settings (framework properties)
     */
    static EmbeddedFelix start(Path stateDir, String lockToken, Path modulesDir, FelixLog log, Map<String, String> admin)
            throws BundleException {
        Map<String, Object> config = new HashMap<>(admin);
        config.put("felix.log.logger", log);
        config.put("felix.log.level", Integer.toString(FelixLog.LOG_WARNING));
        config.put(Constants.FRAMEWORK_STORAGE, stateDir.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, gogoPackages());
        config.put(STATE_DIR_PROPERTY, stateDir.toString());
        config.put(StateDirectory.TOKEN_PROPERTY, lockToken);
        config.put(MODULES_DIR_PROPERTY, modulesDir.toString());
        config.put(GOSH_HOME_PROPERTY, ShellProfile.home(stateDir).toString());
        Framework framework = new FrameworkFactory().newFramework(config);
        framework.init();
        framework.start();
        return new EmbeddedFelix(framework, log);
    }

    static String gogoPackages() {
        String runtime = Versions.gogoRuntime();
        return String.join(",",
                "org.apache.felix.service.command;version=1.0.0",
                "org.apache.felix.service.command.annotations;version=1.0.0",
                "org.apache.felix.service.threadio;version=1.0.0",
                "org.apache.felix.gogo.runtime;version=" + runtime,
                "org.apache.felix.gogo.runtime.threadio;version=" + runtime);
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    Framework framework() {
        return framework;
    }

    /**
     * Installs the container extension bundle, whose activator Felix runs at install. Felix
     * only logs a failing extension activator, so its failure is taken from the log.
     */
    void installContainer() throws BundleException, IOException {
        Bundle container = install(EmbeddedBundles.CONTAINER);
        Optional<Throwable> failure = log.failure(container);
        if (failure.isPresent()) {
            throw new IllegalStateException("the kmod4j container did not start: " + failure.get().getMessage(),
                    failure.get());
        }
    }

    /**
     * Installs and starts kmod4j-admin and waits until it has done its start work (restore,
     * loads, deploy folder, control socket).
     */
    AdminState startAdmin(long containerTimeoutMillis, PrintStream err)
            throws BundleException, IOException, InterruptedException {
        Bundle admin = install(EmbeddedBundles.ADMIN);
        admin.start();
        return AdminState.await(context(), admin, containerTimeoutMillis, err);
    }

    /** Starts the Gogo runtime (CommandProcessor and ThreadIO services) from the host class path. */
    void startGogoRuntime() throws Exception {
        gogo.start(context());
        gogoStarted = true;
        // gogo.jline's default gosh_profile prints Gogo's motd unless $.gosh_quiet is set; the
        // launcher prints its own banner. Constants are visible in every session.
        CommandProcessor processor = commandProcessor();
        if (processor instanceof CommandProcessorImpl) {
            ((CommandProcessorImpl) processor).addConstant(".gosh_quiet", Boolean.TRUE);
        }
    }

    CommandProcessor commandProcessor() {
        var reference = context().getServiceReference(CommandProcessor.class);
        if (reference == null) {
            throw new IllegalStateException("the Gogo runtime is not running");
        }
        return context().getService(reference);
    }

    /** Installs the embedded bundles, then starts them in the given order. */
    List<Bundle> installAndStart(List<String> jars) throws BundleException, IOException {
        List<Bundle> bundles = new ArrayList<>();
        for (String jar : jars) {
            bundles.add(install(jar));
        }
        for (Bundle bundle : bundles) {
            bundle.start();
        }
        return bundles;
    }

    /**
     * Installs and starts jline and gogo.jline: the interactive shell runs on a thread the
     * gogo.jline activator creates, which inherits this thread's context class loader. jline
     * finds its terminal providers (exec, ffm, jni...) through the context class loader, so it
     * is set to jline's own bundle class loader while the shell starts; with the launcher's
     * class loader there, jline finds no provider and falls back to a dumb terminal.
     */
    void startShell() throws BundleException, IOException {
        // jline warns through java.util.logging, with its class name, when stdin is not a terminal
        // ("Unable to create a system terminal, creating a dumb terminal"): the shell still works
        JLINE_LOG.setLevel(Level.SEVERE);
        ShellProfile.write(ShellProfile.home(context().getProperty(STATE_DIR_PROPERTY)));
        List<Bundle> bundles = new ArrayList<>();
        for (String jar : EmbeddedBundles.SHELL) {
            bundles.add(install(jar));
        }
        Bundle jline = bundles.get(0);
        if (!framework.adapt(FrameworkWiring.class).resolveBundles(bundles)) {
            throw new BundleException("cannot resolve the shell bundles " + bundles);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(jline.adapt(BundleWiring.class).getClassLoader());
        try {
            for (Bundle bundle : bundles) {
                bundle.start();
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Bundle install(String jar) throws BundleException, IOException {
        try (InputStream in = EmbeddedBundles.open(jar)) {
            return context().installBundle("kmod4j:bundles/" + jar, in);
        }
    }

    /** Blocks until the framework has stopped (the shell's exit stops it). */
    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops Gogo and the framework, waiting for the framework to finish. */
    @Override
    public void close() throws Exception {
        if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
            if (gogoStarted) {
                gogoStarted = false;
                gogo.stop(context());
            }
            framework.stop();
        }
        framework.waitForStop(30_000);
    }
}
