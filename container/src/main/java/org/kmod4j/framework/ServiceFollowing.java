package org.kmod4j.framework;

import java.util.HashMap;
import java.util.Map;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.core.ServiceFollower;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.AllServiceListener;

/**
 * Feeds a {@link ServiceFollower} from the service registry, as a ServiceTracker would: a
 * listener on the consumer's context (service events are synchronous, so a module's service is a
 * candidate before its init returns), the consumer gets and ungets each service object, and the
 * whole thing stops when the consumer's bundle stops.
 */
final class ServiceFollowing implements AllServiceListener, SynchronousBundleListener, AutoCloseable {
    private final BundleContext consumer;
    private final Class<?> type;
    private final ServiceFollower follower;
    /** Services got, by id; guarded by this. */
    private final Map<Long, ServiceReference<?>> got = new HashMap<>();
    private boolean closed;

    private ServiceFollowing(BundleContext consumer, Class<?> type, ServiceFollower follower) {
        this.consumer = consumer;
        this.type = type;
        this.follower = follower;
    }

    static ServiceFollowing start(BundleContext consumer, Class<?> type, String filter, ServiceFollower follower) {
        String f = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        if (filter != null && !filter.isBlank()) {
            f = "(&" + f + filter + ")";
        }
        ServiceFollowing s = new ServiceFollowing(consumer, type, follower);
        try {
            consumer.addServiceListener(s, f);
            consumer.addBundleListener(s);
            ServiceReference<?>[] now = consumer.getAllServiceReferences(type.getName(), f);
            if (now != null) {
                for (ServiceReference<?> r : now) {
                    s.added(r);
                }
            }
        } catch (InvalidSyntaxException e) {
            s.close();
            throw new ModuleException(Errno.EINVAL, "bad service filter " + filter + ": " + e.getMessage());
        }
        return s;
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> r = event.getServiceReference();
        switch (event.getType()) {
            case ServiceEvent.REGISTERED:
                added(r);
                break;
            case ServiceEvent.MODIFIED:
                boolean known;
                synchronized (this) {
                    known = got.containsKey(id(r));
                }
                if (known) {
                    follower.modified(id(r), ranking(r));
                } else {
                    added(r); // its properties changed so that it matches now
                }
                break;
            default: // UNREGISTERING, MODIFIED_ENDMATCH
                removed(r);
                break;
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getBundle() == consumer.getBundle() && event.getType() == BundleEvent.STOPPING) {
            follower.close(); // closes this too
        }
    }

    private void added(ServiceReference<?> r) {
        Bundle provider = r.getBundle();
        if (provider == null) {
            return; // unregistered meanwhile
        }
        synchronized (this) {
            if (closed || got.containsKey(id(r))) {
                return;
            }
            got.put(id(r), r);
        }
        Object service;
        try {
            service = consumer.getService(r);
        } catch (IllegalStateException e) {
            return; // the consumer stopped meanwhile
        }
        if (service == null || !type.isInstance(service)) {
            // a provider wired to another copy of the interface, or a factory that failed
            forget(r);
            return;
        }
        follower.added(id(r), ranking(r), provider, service);
    }

    private void removed(ServiceReference<?> r) {
        follower.removed(id(r));
        forget(r);
    }

    private void forget(ServiceReference<?> r) {
        synchronized (this) {
            if (got.remove(id(r)) == null) {
                return;
            }
        }
        try {
            consumer.ungetService(r);
        } catch (IllegalStateException e) {
            // the consumer stopped: the framework released its services
        }
    }

    @Override
    public void close() {
        Map<Long, ServiceReference<?>> left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = new HashMap<>(got);
            got.clear();
        }
        try {
            consumer.removeServiceListener(this);
            consumer.removeBundleListener(this);
        } catch (IllegalStateException e) {
            // the consumer's context is no longer valid: its listeners are gone already
        }
        for (ServiceReference<?> r : left.values()) {
            try {
                consumer.ungetService(r);
            } catch (IllegalStateException e) {
                // as above
            }
        }
    }

    private static long id(ServiceReference<?> r) {
        return (Long) r.getProperty(Constants.SERVICE_ID);
    }

    private static int ranking(ServiceReference<?> r) {
        Object v = r.getProperty(Constants.SERVICE_RANKING);
        return v instanceof Integer ? (Integer) v : 0;
    }
}
