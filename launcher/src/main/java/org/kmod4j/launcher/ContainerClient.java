package org.kmod4j.launcher;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The launcher's view of the {@code org.kmod4j.api.ModuleContainer} service. The API classes
 * come from the container extension bundle (the framework decides which class loader defines
 * them), so the launcher, which is not a bundle, reaches them through the system bundle and
 * reflection rather than linking against a second copy.
 */
final class ContainerClient {

    static final String SERVICE = "org.kmod4j.api.ModuleContainer";
    static final String NOTIFIER = "org.kmod4j.api.ModuleNotifier";

    /** A module as the launcher sees it: a copy of the properties it persists and tracks. */
    /** @param bundleId tells two instances of one name apart (a replace has both for a moment) */
    record ModuleView(String name, String state, String filename, boolean permanent, List<String> uses,
            Map<String, String> parameters, long bundleId) {
    }

    /** A container failure: kmod's message and the errno name (EEXIST, ENOENT ...), if it had one. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String errno;

        Failure(String errno, String message, Throwable cause) {
            super(message, cause);
            this.errno = errno;
        }

        String errno() {
            return errno;
        }
    }

    private final BundleContext context;
    private final Object container;
    private final Bundle system;

    private ContainerClient(BundleContext context, Object container) {
        this.context = context;
        this.container = container;
        this.system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
    }

    /** The container service if it is registered now. */
    static Optional<ContainerClient> find(BundleContext context) {
        ServiceReference<?> reference = context.getServiceReference(SERVICE);
        Object container = reference == null ? null : context.getService(reference);
        return Optional.ofNullable(container).map(c -> new ContainerClient(context, c));
    }

    /** Waits for the container service registered by the extension's activator. */
    static ContainerClient await(BundleContext context, long timeoutMillis) throws InterruptedException {
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter("(" + Constants.OBJECTCLASS + "=" + SERVICE + ")");
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, filter, null);
        tracker.open();
        Object container = tracker.waitForService(timeoutMillis);
        if (container == null) {
            tracker.close();
            throw new IllegalStateException("the kmod4j container did not start: no " + SERVICE
                    + " service after " + timeoutMillis + " ms");
        }
        return new ContainerClient(context, container);
    }

    /**
     * {@code ModuleContainer.load(jar, LoadOptions.of(parameters).withPermanent(permanent))}.
     *
     * @return the loaded module
     * @throws Failure with the container's message and errno
     */
    ModuleView load(Path jar, Map<String, String> parameters, boolean permanent) {
        Class<?> optionsType = api("org.kmod4j.api.LoadOptions");
        Object options = invokeStatic(optionsType, "of", new Class<?>[] {Map.class}, parameters);
        options = invoke(options, optionsType, "withPermanent", new Class<?>[] {boolean.class}, permanent);
        Object module = invoke(container, api(SERVICE), "load", new Class<?>[] {Path.class, optionsType}, jar, options);
        return view(module);
    }

    /**
     * {@code ModuleContainer.replace(jar, LoadOptions.of(parameters))}: the new instance takes
     * the name without downtime.
     *
     * @return the new instance
     * @throws Failure with the container's message and errno (the old instance is then untouched)
     */
    ModuleView replace(Path jar, Map<String, String> parameters) {
        Class<?> optionsType = api("org.kmod4j.api.LoadOptions");
        Object options = invokeStatic(optionsType, "of", new Class<?>[] {Map.class}, parameters);
        Object module = invoke(container, api(SERVICE), "replace", new Class<?>[] {Path.class, optionsType}, jar, options);
        return view(module);
    }

    /**
     * {@code ModuleContainer.unload(name, UnloadOptions.defaults())}.
     *
     * @throws Failure with the container's message and errno
     */
    void unload(String name) {
        Class<?> optionsType = api("org.kmod4j.api.UnloadOptions");
        Object options = invokeStatic(optionsType, "defaults", new Class<?>[0]);
        invoke(container, api(SERVICE), "unload", new Class<?>[] {String.class, optionsType}, name, options);
    }

    /** {@code ModuleContainer.find(name)}. */
    Optional<ModuleView> module(String name) {
        Optional<?> found = (Optional<?>) invoke(container, api(SERVICE), "find", new Class<?>[] {String.class}, name);
        return found.map(this::view);
    }

    /** {@code ModuleContainer.modules()}: every formed module in load order. */
    List<ModuleView> modules() {
        List<ModuleView> views = new ArrayList<>();
        for (Object module : (List<?>) invoke(container, api(SERVICE), "modules", new Class<?>[0])) {
            views.add(view(module));
        }
        return views;
    }

    /**
     * {@code ModuleContainer.deployAction(module, text, errno)}: a DEPLOY event in the container's
     * log (dmesg). {@code errno} is an Errno name or null.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void deployAction(String module, String text, String errno) {
        Class errnoType = api("org.kmod4j.api.Errno");
        Object code = errno == null ? null : Enum.valueOf(errnoType, errno);
        invoke(container, api(SERVICE), "deployAction", new Class<?>[] {String.class, String.class, errnoType}, module, text, code);
    }

    /** The module name a jar declares ({@code ModuleContainer.inspect(jar).name()}). */
    String moduleName(Path jar) {
        Object info = invoke(container, api(SERVICE), "inspect", new Class<?>[] {Path.class}, jar);
        return (String) invoke(info, api("org.kmod4j.api.ModuleInfo"), "name", new Class<?>[0]);
    }

    /**
     * Registers a module notifier (whiteboard) on behalf of the launcher.
     *
     * <p>How: the launcher is not a bundle and its class loader cannot see the container's API
     * (the framework defines it), so it cannot implement {@code ModuleNotifier} in a class of its
     * own. A {@link Proxy} can: the proxy class is defined in the API's own class loader (the
     * one the system bundle loads {@code ModuleNotifier} with), so the framework's
     * "is this object an instance of the class it is registered under" check passes for the
     * system bundle's context, and the container's whiteboard tracker sees an ordinary
     * {@code ModuleNotifier}. The handler (this launcher's code) only needs to be reachable,
     * not visible to that loader. The events reach {@code listener} as the state's name
     * (COMING/LIVE/GOING) and a {@link ModuleView} read at that moment.
     */
    ServiceRegistration<?> registerNotifier(String description, BiConsumer<String, ModuleView> listener) {
        Class<?> notifierType = api(NOTIFIER);
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "moduleEvent":
                    listener.accept(((Enum<?>) args[0]).name(), view(args[1]));
                    return null;
                case "toString":
                    return description;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        };
        Object notifier = Proxy.newProxyInstance(notifierType.getClassLoader(), new Class<?>[] {notifierType}, handler);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, description);
        // after every other notifier: the launcher records what actually happened
        props.put(Constants.SERVICE_RANKING, Integer.MIN_VALUE);
        return context.registerService(NOTIFIER, notifier, props);
    }

    /** The system bundle's state: {@code Bundle.STOPPING} once the framework shuts down. */
    int frameworkState() {
        return system.getState();
    }

    private ModuleView view(Object module) {
        Class<?> type = api("org.kmod4j.api.Module");
        String name = (String) invoke(module, type, "name", new Class<?>[0]);
        String state = ((Enum<?>) invoke(module, type, "state", new Class<?>[0])).name();
        String filename = (String) invoke(module, type, "filename", new Class<?>[0]);
        boolean permanent = (Boolean) invoke(module, type, "isPermanent", new Class<?>[0]);
        List<String> uses = new ArrayList<>();
        for (Object use : (List<?>) invoke(module, type, "uses", new Class<?>[0])) {
            uses.add(String.valueOf(use));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        ((Map<?, ?>) invoke(module, type, "parameters", new Class<?>[0]))
                .forEach((k, v) -> parameters.put(String.valueOf(k), String.valueOf(v)));
        Bundle bundle = (Bundle) invoke(module, type, "bundle", new Class<?>[0]);
        return new ModuleView(name, state, filename, permanent, List.copyOf(uses), parameters,
                bundle == null ? -1 : bundle.getBundleId());
    }

    private Class<?> api(String name) {
        try {
            return system.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw mismatch(e);
        }
    }

    private Object invokeStatic(Class<?> type, String method, Class<?>[] parameterTypes, Object... args) {
        return invoke(null, type, method, parameterTypes, args);
    }

    private static Object invoke(Object target, Class<?> type, String method, Class<?>[] parameterTypes, Object... args) {
        try {
            return type.getMethod(method, parameterTypes).invoke(target, args);
        } catch (InvocationTargetException e) {
            throw failure(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw mismatch(e);
        }
    }

    /** A container exception as a {@link Failure}: the message and, for a ModuleException, its errno. */
    static Failure failure(Throwable cause) {
        String errno = null;
        try {
            Method m = cause.getClass().getMethod("errno");
            errno = String.valueOf(m.invoke(cause));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a ModuleException
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return new Failure(errno, message, cause);
    }

    private static IllegalStateException mismatch(ReflectiveOperationException e) {
        return new IllegalStateException("the kmod4j container API does not match this launcher: " + e, e);
    }
}
