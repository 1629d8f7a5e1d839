package org.kmod4j.admin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.kmod4j.api.ModuleContainer;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * kmod4j-admin: restore, the deploy folder, the control socket and the oops report for the
 * {@link ModuleContainer} service of whatever framework this bundle runs in (the launcher's,
 * a Felix embedded in your program, Pax Exam's). Configured by {@link AdminConfig}.
 *
 * <p>It follows the first container service and the first Gogo {@link CommandProcessor} (the
 * socket runs Gogo commands; without Gogo there is no socket). Every change (a service comes or
 * goes, a new configuration) is applied on one thread, {@code kmod4j-admin}, in order: a
 * restore never runs on a framework or ConfigAdmin thread, and two changes never interleave.
 * The state directory is the one in the container service's {@code kmod4j.state.dir} property:
 * the container holds its lock before it registers the service, so nothing here touches the
 * directory without it. The state reached is published as {@link AdminStatus}.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class AdminActivator implements BundleActivator {

    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final PrintStream err = System.err;
    private BundleContext context;
    private ExecutorService worker;
    private ServiceTracker<ModuleContainer, ModuleContainer> containers;
    private ServiceTracker<CommandProcessor, CommandProcessor> processors;
    private ServiceRegistration<?> managed;
    /** ConfigAdmin's values for PID org.kmod4j.admin (empty: none); written by ConfigAdmin, read on the worker. */
    private volatile Map<String, Object> configured = Map.of();

    // the worker's state (only the worker thread touches these)
    private AdminConfig config;
    private AdminServices services;
    private ServiceRegistration<AdminStatus> status;

    @Override
    public void start(BundleContext context) {
        this.context = context;
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kmod4j-admin");
            t.setDaemon(true);
            return t;
        });
        containers = track(ModuleContainer.class);
        processors = track(CommandProcessor.class);
        processors.open();
        containers.open();
        try {
            managed = ManagedAdmin.register(context, values -> {
                configured = Map.copyOf(values);
                changed();
            });
        } catch (NoClassDefFoundError e) {
            // org.osgi.service.cm not wired: framework properties only
        }
        changed();
    }

    @Override
    public void stop(BundleContext context) throws InterruptedException {
        if (managed != null) {
            try {
                managed.unregister();
            } catch (IllegalStateException e) {
                // already gone
            }
        }
        containers.close();
        processors.close();
        worker.execute(this::shutdown);
        worker.shutdown();
        if (!worker.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            err.println("kmod4j-admin: WARNING: still busy after " + STOP_TIMEOUT_SECONDS
                    + " s (a restore or a load in progress); stopping without waiting for it");
        }
    }

    /** A tracker of {@code type} whose every change is {@link #changed()}. */
    private <S> ServiceTracker<S, S> track(Class<S> type) {
        return new ServiceTracker<>(context, type, null) {
            @Override
            public S addingService(ServiceReference<S> reference) {
                S service = super.addingService(reference);
                changed();
                return service;
            }

            @Override
            public void removedService(ServiceReference<S> reference, S service) {
                super.removedService(reference, service);
                changed();
            }
        };
    }

    /** Something changed: apply it on the worker (after what is queued). */
    private void changed() {
        try {
            worker.execute(this::apply);
        } catch (RejectedExecutionException e) {
            // stopping: shutdown() closes everything
        }
    }

    /** Brings the running services in line with the container, the Gogo processor and the configuration now. */
    private void apply() {
        ServiceReference<ModuleContainer> reference = containers.getServiceReference();
        ModuleContainer container = reference == null ? null : containers.getService(reference);
        AdminConfig wanted = config();
        if (services != null && (services.container() != container || !services.config().equals(wanted))) {
            shutdown();
        }
        config = wanted;
        if (services == null && container != null && wanted != null) {
            Object dir = reference.getProperty(AdminProperties.STATE_DIR);
            if (dir == null) {
                err.println("kmod4j-admin: ERROR: the container service has no " + AdminProperties.STATE_DIR
                        + " property; nothing started");
                return;
            }
            Path stateDir = Path.of(dir.toString());
            publish(AdminStatus.starting(stateDir));
            services = new AdminServices(stateDir, container, context, wanted, err);
            services.start();
        }
        if (services != null) {
            services.controlSocket(processors.getService());
            publish(AdminStatus.ready(services));
        }
    }

    /** The configuration now: ConfigAdmin's values over the framework properties; null (reported) if invalid. */
    private AdminConfig config() {
        Map<String, Object> values = configured;
        try {
            return AdminConfig.from(key -> values.containsKey(key) ? values.get(key) : context.getProperty(key));
        } catch (IllegalArgumentException e) {
            err.println("kmod4j-admin: ERROR: bad configuration: " + e.getMessage()
                    + (config != null ? " (keeping the previous one)" : " (nothing started)"));
            return config;
        }
    }

    private void publish(Dictionary<String, Object> properties) {
        if (status == null) {
            status = context.registerService(AdminStatus.class, new AdminStatus(), properties);
        } else {
            status.setProperties(properties);
        }
    }

    private void shutdown() {
        if (status != null) {
            try {
                status.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping
            }
            status = null;
        }
        if (services != null) {
            services.close();
            services = null;
        }
    }
}
