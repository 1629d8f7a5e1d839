package org.kmod4j.commands;

import java.util.Hashtable;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleHeaders;
import org.kmod4j.api.ModuleNotifier;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Registers the kmod commands (scope {@code kmod}) as Gogo command services, one service per
 * command, all sharing one tracker of the {@link ModuleContainer} service; and the
 * {@link GogoSweep} notifier that drops an unloaded module's converters from Gogo.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class CommandsActivator implements BundleActivator {

    private ServiceTracker<ModuleContainer, ModuleContainer> tracker;
    private List<ServiceRegistration<?>> registrations = List.of();
    private GogoSweep sweep;

    @Override
    public void start(BundleContext context) {
        tracker = new ServiceTracker<>(context, ModuleContainer.class, null);
        tracker.open();
        ContainerAccess container = new ContainerAccess(tracker::getService);
        registrations = List.of(
                register(context, "lsmod", new Lsmod(container)),
                register(context, "insmod", new Insmod(container)),
                register(context, "rmmod", new Rmmod(container)),
                register(context, "modinfo", new Modinfo(container)),
                register(context, "dmesg", new Dmesg(container)),
                context.registerService(ModuleNotifier.class, sweep = new GogoSweep(context), null));
    }

    @Override
    public void stop(BundleContext context) {
        for (ServiceRegistration<?> registration : registrations) {
            registration.unregister();
        }
        registrations = List.of();
        tracker.close();
        if (sweep != null) {
            sweep.close();
        }
    }

    private static ServiceRegistration<?> register(BundleContext context, String function, Object command) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CommandProcessor.COMMAND_SCOPE, ModuleHeaders.COMMAND_SCOPE);
        properties.put(CommandProcessor.COMMAND_FUNCTION, new String[] {function});
        return context.registerService(Object.class, command, properties);
    }
}
