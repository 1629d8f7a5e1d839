package org.kmod4j.management;

import java.lang.management.ManagementFactory;
import java.util.Hashtable;

import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.ModuleNotifier;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Publishes the kmod4j container on the platform MBean server (JConsole, VisualVM, jcmd's
 * ManagementAgent): {@code org.kmod4j:type=Container} and one
 * {@code org.kmod4j:type=Module,name=<module>} per LIVE module, kept current through a
 * {@link ModuleNotifier} service (the container's notifier whiteboard); the container bean sends
 * the container's events as JMX notifications, fed by a {@link ModuleEventListener} service. Follows the first
 * {@link ModuleContainer} service; when it goes, every bean goes.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class ManagementActivator implements BundleActivator {

    private ServiceTracker<ModuleContainer, Tracked> tracker;

    /** What is registered for one container. */
    private static final class Tracked {
        final ModuleBeans beans;
        final ServiceRegistration<ModuleNotifier> notifier;
        final ServiceRegistration<ModuleEventListener> events;

        Tracked(ModuleBeans beans, ServiceRegistration<ModuleNotifier> notifier, ServiceRegistration<ModuleEventListener> events) {
            this.beans = beans;
            this.notifier = notifier;
            this.events = events;
        }
    }

    @Override
    public void start(BundleContext context) {
        tracker = new ServiceTracker<>(context, ModuleContainer.class,
                new ServiceTrackerCustomizer<ModuleContainer, Tracked>() {
                    private boolean active;

                    @Override
                    public synchronized Tracked addingService(ServiceReference<ModuleContainer> reference) {
                        if (active) {
                            return null; // one container per JVM's platform MBean server
                        }
                        ModuleContainer container = context.getService(reference);
                        if (container == null) {
                            return null;
                        }
                        ModuleBeans beans = new ModuleBeans(ManagementFactory.getPlatformMBeanServer(), container,
                                message -> System.err.println("kmod4j-management: " + message));
                        Hashtable<String, Object> properties = new Hashtable<>();
                        properties.put(Constants.SERVICE_DESCRIPTION, "kmod4j JMX: module MBeans follow LIVE/GOING");
                        ServiceRegistration<ModuleNotifier> notifier =
                                context.registerService(ModuleNotifier.class, beans, properties);
                        beans.start();
                        Hashtable<String, Object> eventProperties = new Hashtable<>();
                        eventProperties.put(Constants.SERVICE_DESCRIPTION, "kmod4j JMX: container events as notifications");
                        ServiceRegistration<ModuleEventListener> events =
                                context.registerService(ModuleEventListener.class, beans.events(), eventProperties);
                        active = true;
                        return new Tracked(beans, notifier, events);
                    }

                    @Override
                    public void modifiedService(ServiceReference<ModuleContainer> reference, Tracked tracked) {
                    }

                    @Override
                    public synchronized void removedService(ServiceReference<ModuleContainer> reference,
                            Tracked tracked) {
                        try {
                            tracked.notifier.unregister();
                            tracked.events.unregister();
                        } catch (IllegalStateException e) {
                            // already unregistered (bundle stopping)
                        }
                        tracked.beans.stop();
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
