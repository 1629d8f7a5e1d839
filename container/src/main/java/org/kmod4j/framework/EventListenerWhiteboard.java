package org.kmod4j.framework;

import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.core.KernelLog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Follows the kernel log for every {@link ModuleEventListener} service, registered by any
 * bundle; {@link ModuleEventListener#REPLAY_FROM} says where its events start.
 */
final class EventListenerWhiteboard extends ServiceTracker<ModuleEventListener, AutoCloseable> {
    private final KernelLog log;

    EventListenerWhiteboard(BundleContext context, KernelLog log) {
        super(context, ModuleEventListener.class, null);
        this.log = log;
    }

    @Override
    public AutoCloseable addingService(ServiceReference<ModuleEventListener> reference) {
        ModuleEventListener listener = context.getService(reference);
        if (listener == null) {
            return null;
        }
        return log.follow(replayFrom(reference.getProperty(ModuleEventListener.REPLAY_FROM)), listener);
    }

    @Override
    public void removedService(ServiceReference<ModuleEventListener> reference, AutoCloseable follower) {
        try {
            follower.close();
        } catch (Exception e) {
            throw new IllegalStateException(e); // EventFollower.close throws nothing
        }
        context.ungetService(reference);
    }

    private static long replayFrom(Object property) {
        if (property instanceof Number) {
            return ((Number) property).longValue();
        }
        if (property instanceof String) {
            try {
                return Long.parseLong(((String) property).trim());
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE; // unreadable: only new events, as without the property
            }
        }
        return Long.MAX_VALUE;
    }
}
