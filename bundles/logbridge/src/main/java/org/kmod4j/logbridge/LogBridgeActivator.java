package org.kmod4j.logbridge;

import java.util.Hashtable;

import org.kmod4j.api.ModuleEventListener;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * While a {@link LoggerFactory} service is present, registers a {@link ModuleEventListener}
 * that writes every container event to it. The first registration replays the events the
 * container still holds (its boot lines); after a Log Service restart it goes on after the
 * last event written, so nothing is written twice.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class LogBridgeActivator implements BundleActivator {

    private ServiceTracker<LoggerFactory, ServiceRegistration<ModuleEventListener>> tracker;

    @Override
    public void start(BundleContext context) {
        LogBridge bridge = new LogBridge();
        tracker = new ServiceTracker<>(context, LoggerFactory.class,
                new ServiceTrackerCustomizer<LoggerFactory, ServiceRegistration<ModuleEventListener>>() {
                    private boolean active;

                    @Override
                    public synchronized ServiceRegistration<ModuleEventListener> addingService(
                            ServiceReference<LoggerFactory> reference) {
                        if (active) {
                            return null; // one Log Service is enough
                        }
                        LoggerFactory factory = context.getService(reference);
                        if (factory == null) {
                            return null;
                        }
                        bridge.attach(factory);
                        Hashtable<String, Object> properties = new Hashtable<>();
                        properties.put(Constants.SERVICE_DESCRIPTION, "kmod4j events to the OSGi Log Service");
                        properties.put(ModuleEventListener.REPLAY_FROM, bridge.nextSequence());
                        active = true;
                        return context.registerService(ModuleEventListener.class, bridge, properties);
                    }

                    @Override
                    public void modifiedService(ServiceReference<LoggerFactory> reference,
                            ServiceRegistration<ModuleEventListener> registration) {
                    }

                    @Override
                    public synchronized void removedService(ServiceReference<LoggerFactory> reference,
                            ServiceRegistration<ModuleEventListener> registration) {
                        try {
                            registration.unregister();
                        } catch (IllegalStateException e) {
                            // already unregistered (bundle stopping)
                        }
                        bridge.detach();
                        context.ungetService(reference);
                        active = false;
                    }
                });
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
    }
}
