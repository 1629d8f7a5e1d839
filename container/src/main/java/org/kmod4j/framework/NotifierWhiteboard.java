package org.kmod4j.framework;

import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.core.NotifierChain;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Feeds {@link ModuleNotifier} services, registered by any bundle, into the notifier chain;
 * {@code service.ranking} is the priority.
 */
final class NotifierWhiteboard extends ServiceTracker<ModuleNotifier, ModuleNotifier> {
    private final NotifierChain chain;

    NotifierWhiteboard(BundleContext context, NotifierChain chain) {
        super(context, ModuleNotifier.class, null);
        this.chain = chain;
    }

    @Override
    public ModuleNotifier addingService(ServiceReference<ModuleNotifier> reference) {
        ModuleNotifier notifier = context.getService(reference);
        if (notifier != null) {
            chain.register(notifier, ranking(reference));
        }
        return notifier;
    }

    @Override
    public void modifiedService(ServiceReference<ModuleNotifier> reference, ModuleNotifier notifier) {
        chain.unregister(notifier);
        chain.register(notifier, ranking(reference));
    }

    @Override
    public void removedService(ServiceReference<ModuleNotifier> reference, ModuleNotifier notifier) {
        chain.unregister(notifier);
        context.ungetService(reference);
    }

    private static int ranking(ServiceReference<?> reference) {
        Object r = reference.getProperty(Constants.SERVICE_RANKING);
        return r instanceof Integer ? (Integer) r : 0;
    }
}
