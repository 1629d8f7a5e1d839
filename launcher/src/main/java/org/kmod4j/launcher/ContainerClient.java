package org.kmod4j.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The launcher's view of the {@code org.kmod4j.api.ModuleContainer} service. The API classes
 * come from the container extension bundle (the framework decides which class loader defines
 * them), so the launcher, which is not a bundle, reaches them through the system bundle and
 * reflection rather than linking against a second copy.
 */
final class ContainerClient {

    static final String SERVICE = "org.kmod4j.api.ModuleContainer";

    private final BundleContext context;
    private final Object container;

    private ContainerClient(BundleContext context, Object container) {
        this.context = context;
        this.container = container;
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
     * {@code ModuleContainer.load(jar, LoadOptions.defaults())}. A failure is rethrown as it came
     * (an {@code org.kmod4j.api.ModuleException} carries kmod's message).
     */
    void load(Path jar) {
        try {
            Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
            Class<?> containerType = system.loadClass(SERVICE);
            Class<?> optionsType = system.loadClass("org.kmod4j.api.LoadOptions");
            Object options = optionsType.getMethod("defaults").invoke(null);
            Method load = containerType.getMethod("load", Path.class, optionsType);
            load.invoke(container, jar, options);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the kmod4j container API does not match this launcher", e);
        }
    }
}
