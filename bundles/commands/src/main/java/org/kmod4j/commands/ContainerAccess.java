package org.kmod4j.commands;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.osgi.util.tracker.ServiceTracker;

/** The {@link ModuleContainer} service as the commands see it: present, or a clear error. */
final class ContainerAccess {

    private final ServiceTracker<ModuleContainer, ModuleContainer> tracker;

    ContainerAccess(ServiceTracker<ModuleContainer, ModuleContainer> tracker) {
        this.tracker = tracker;
    }

    ModuleContainer get() {
        ModuleContainer container = tracker.getService();
        if (container == null) {
            throw new ModuleException(Errno.ENODEV,
                    "the kmod4j container is not running (no " + ModuleContainer.class.getName() + " service)");
        }
        return container;
    }
}
