package org.kmod4j.framework;

import java.io.File;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.kmod4j.api.ModuleContainer;
import org.kmod4j.core.Kernel;
import org.kmod4j.core.KernelLog;
import org.kmod4j.core.LeakDetector;
import org.kmod4j.core.SignaturePolicy;
import org.kmod4j.core.StateDirectoryLock;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * The {@code ExtensionBundle-Activator} of the kmod4j framework extension: it receives the
 * system bundle's context, locks the state directory, builds the kernel on the framework and
 * registers it as the {@link ModuleContainer} service.
 */
public final class ContainerActivator implements BundleActivator {
    /** Framework property naming the container's state directory. */
    public static final String STATE_DIR = "kmod4j.state.dir";
    /** Framework property: milliseconds an init may take before the load fails with ETIMEDOUT; 0 = no limit. */
    public static final String INIT_TIMEOUT = "kmod4j.init.timeout.ms";
    /** Framework property: milliseconds a notifier may take (COMING: then ETIMEDOUT); 0 = no limit. */
    public static final String NOTIFIER_TIMEOUT = "kmod4j.notifier.timeout.ms";

    private Kernel kernel;

    private StateDirectoryLock lock;
    private ExecutorService executor;
    private NotifierWhiteboard notifiers;
    private EventListenerWhiteboard listeners;
    private RequesterTracker requesters;
    private BundleWatch watch;
    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        lock = StateDirectoryLock.acquire(stateDirectory(context), context.getProperty(StateDirectoryLock.TOKEN));
        executor = Executors.newCachedThreadPool(daemonThreads("kmod4j-srcu-"));
        KernelLog log = new KernelLog(4096);
        SignaturePolicy signatures = SignaturePolicy.fromProperties(context::getProperty);
        Kernel kernel = new Kernel(new FrameworkBundleHost(context), executor, log, signatures);
        kernel.privateCopies(lock.directory().resolve("loading"));
        kernel.initTimeout(longProperty(context, INIT_TIMEOUT, 0));
        kernel.notifiers().timeout(longProperty(context, NOTIFIER_TIMEOUT, 0));
        kernel.leakCheck(longProperty(context, LeakDetector.DELAY, LeakDetector.DEFAULT_DELAY_MILLIS));
        this.kernel = kernel;
        notifiers = new NotifierWhiteboard(context, kernel.notifiers());
        notifiers.open(true);
        listeners = new EventListenerWhiteboard(context, log);
        listeners.open(true);
        requesters = new RequesterTracker(context, kernel);
        requesters.open(true);
        watch = new BundleWatch(context, kernel);
        context.addBundleListener(watch);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "kmod4j module container");
        props.put(STATE_DIR, lock.directory().toString());
        registration = context.registerService(ModuleContainer.class.getName(), kernel, props);
        log.info("kmod4j: container started, state directory " + lock.directory());
    }

    @Override
    public void stop(BundleContext context) {
        if (watch != null) {
            context.removeBundleListener(watch);
        }
        if (registration != null) {
            registration.unregister();
        }
        if (notifiers != null) {
            notifiers.close();
        }
        if (listeners != null) {
            listeners.close();
        }
        if (requesters != null) {
            requesters.close();
        }
        if (executor != null) {
            executor.shutdown();
        }
        if (kernel != null) {
            kernel.shutdown();
        }
        if (lock != null) {
            lock.close();
        }
    }

    private static long longProperty(BundleContext context, String name, long otherwise) {
        String v = context.getProperty(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("framework property " + name + " is not a number: " + v, e);
        }
    }

    private static Path stateDirectory(BundleContext context) {
        String configured = context.getProperty(STATE_DIR);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        File data = context.getDataFile("kmod4j");
        return data != null ? data.toPath().toAbsolutePath() : Path.of("kmod4j-state").toAbsolutePath();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
