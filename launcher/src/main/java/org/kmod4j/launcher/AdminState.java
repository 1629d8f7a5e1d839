package org.kmod4j.launcher;

import static org.kmod4j.admin.AdminProperties.CONTROL_SOCKET;
import static org.kmod4j.admin.AdminProperties.DEPLOY_DIR;
import static org.kmod4j.admin.AdminProperties.LOADED;
import static org.kmod4j.admin.AdminProperties.READY;
import static org.kmod4j.admin.AdminProperties.RESTORED;
import static org.kmod4j.admin.AdminProperties.STATE;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What kmod4j-admin reports once it has done its start work (restore, the modules to load at
 * start, the deploy folder, the control socket): the properties of its status service, read as
 * plain framework state (see the package comment). The property names are
 * {@code org.kmod4j.admin.AdminProperties} constants, which javac copies into this class.
 *
 * @param deployDir null without a deploy folder
 * @param socket null without a control socket
 */
record AdminState(List<String> restored, List<String> loaded, Path deployDir, Path socket) {

    /**
     * Waits until the admin bundle reports {@code ready}. The container must show up (the admin
     * reports {@code starting} when it finds it) within {@code containerTimeoutMillis}; the
     * restore after that takes as long as the modules' inits take (each bounded by the container's
     * own timeouts), and a long one is reported once.
     *
     * @throws IllegalStateException if the container never shows up or the admin bundle stops
     */
    static AdminState await(BundleContext context, Bundle admin, long containerTimeoutMillis, PrintStream err)
            throws InterruptedException {
        ServiceTracker<Object, Object> any = tracker(context, "(" + STATE + "=*)");
        ServiceTracker<Object, Object> ready = tracker(context, "(" + STATE + "=" + READY + ")");
        try {
            if (any.waitForService(containerTimeoutMillis) == null) {
                throw new IllegalStateException("the kmod4j container did not start: kmod4j-admin found no container after "
                        + containerTimeoutMillis + " ms");
            }
            long reportAt = System.nanoTime() + containerTimeoutMillis * 1_000_000;
            while (ready.getServiceReference() == null) {
                if (admin.getState() != Bundle.ACTIVE) {
                    throw new IllegalStateException("kmod4j-admin stopped before its start work was done");
                }
                if (reportAt != 0 && System.nanoTime() > reportAt) {
                    err.println("kmod4j: still restoring the modules of the last run ...");
                    reportAt = 0;
                }
                ready.waitForService(1_000);
            }
            ServiceReference<Object> status = ready.getServiceReference();
            return new AdminState(names(status.getProperty(RESTORED)), names(status.getProperty(LOADED)),
                    path(status.getProperty(DEPLOY_DIR)), path(status.getProperty(CONTROL_SOCKET)));
        } finally {
            any.close();
            ready.close();
        }
    }

    private static ServiceTracker<Object, Object> tracker(BundleContext context, String filter) {
        try {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
            tracker.open(true); // whatever class the service object has: only its properties are read
            return tracker;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> names(Object value) {
        return value instanceof String[] ? List.of((String[]) value) : List.of();
    }

    private static Path path(Object value) {
        return value == null ? null : Path.of(value.toString());
    }
}
