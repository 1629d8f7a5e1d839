package org.kmod4j.modprobe;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleHeaders;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleRequester;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Registers modprobe: a {@link ModuleRequester} (so {@code ModuleContainer.requestModule} loads
 * by name or alias with dependencies) and, when Gogo is present, the commands {@code kmod:modprobe}
 * and {@code kmod:depmod}.
 *
 * <p>Framework properties: {@value #MODULES_DIR} (the modules directory, the analogue of
 * {@code /lib/modules}: the folder {@code depmod} indexes and {@code modprobe} reads; default
 * {@code ./modules} of the process) and {@value #CONF} (default
 * {@code <kmod4j.state.dir>/modprobe.conf}). {@code kmod4j.state.dir} defaults, as in the
 * container, to {@code <org.osgi.framework.storage>/kmod4j} ({@code felix-cache/kmod4j}).
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class ModprobeActivator implements BundleActivator {
    static final String MODULES_DIR = "kmod4j.modules.dir";
    static final String CONF = "kmod4j.modprobe.conf";
    static final String STATE_DIR = "kmod4j.state.dir";

    private ServiceTracker<ModuleContainer, ModuleContainer> tracker;
    private ExecutorService executor;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Override
    public void start(BundleContext context) {
        tracker = new ServiceTracker<>(context, ModuleContainer.class, null);
        tracker.open();
        executor = Executors.newCachedThreadPool(new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "kmod4j-modprobe-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        });
        Modprobe modprobe = new Modprobe(environment(context), executor);
        ModuleRequester requester = nameOrAlias -> modprobe.request(nameOrAlias,
                message -> System.err.println("modprobe: WARNING: " + message));
        Hashtable<String, Object> requesterProps = new Hashtable<>();
        requesterProps.put("kmod4j.requester", "modprobe");
        ServiceRegistration<ModuleRequester> registration = context.registerService(ModuleRequester.class, requester, requesterProps);
        registrations.add(registration);
        if (gogoPresent()) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("osgi.command.scope", ModuleHeaders.COMMAND_SCOPE);
            props.put("osgi.command.function", new String[] {"modprobe", "depmod", "__modprobe_names"});
            registrations.add(context.registerService(Object.class, new ModprobeCommands(modprobe), props));
        }
    }

    @Override
    public void stop(BundleContext context) {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone
            }
        }
        registrations.clear();
        tracker.close();
        executor.shutdownNow();
    }

    private static boolean gogoPresent() {
        try {
            Class.forName("org.apache.felix.service.command.CommandSession", false, ModprobeActivator.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private Modprobe.Environment environment(BundleContext context) {
        return new Modprobe.Environment() {
            @Override
            public ModuleContainer container() {
                ModuleContainer c = tracker.getService();
                if (c == null) {
                    throw new ModuleException(Errno.ENODEV,
                            "the kmod4j container is not running (no " + ModuleContainer.class.getName() + " service)");
                }
                return c;
            }

            @Override
            public Bundle[] bundles() {
                return context.getBundles();
            }

            @Override
            public Path modulesDir() {
                String dir = context.getProperty(MODULES_DIR);
                return Paths.get(dir == null || dir.isBlank() ? "modules" : dir.trim()).toAbsolutePath().normalize();
            }

            @Override
            public Path configFile() {
                return path(context, CONF, "modprobe.conf");
            }
        };
    }

    static Path path(BundleContext context, String property, String inStateDir) {
        String value = context.getProperty(property);
        if (value != null && !value.isBlank()) {
            return Paths.get(value.trim()).toAbsolutePath().normalize();
        }
        return stateDir(context).resolve(inStateDir);
    }

    static Path stateDir(BundleContext context) {
        String state = context.getProperty(STATE_DIR);
        if (state != null && !state.isBlank()) {
            return Paths.get(state.trim()).toAbsolutePath().normalize();
        }
        String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
        return Paths.get(storage == null || storage.isBlank() ? "felix-cache" : storage.trim(), "kmod4j").toAbsolutePath().normalize();
    }
}
