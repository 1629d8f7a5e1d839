package org.kmod4j.commands;

import java.util.function.Supplier;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;

/** The {@link ModuleContainer} service as the commands see it: present, or a clear error. */
final class ContainerAccess {

    private final Supplier<ModuleContainer> service;

    /** @param service the current service or null (e.g. {@code ServiceTracker::getService}) */
    ContainerAccess(Supplier<ModuleContainer> service) {
        this.service = service;
    }

    ModuleContainer get() {
        ModuleContainer container = service.get();
        if (container == null) {
            throw new ModuleException(Errno.ENODEV,
                    "the kmod4j container is not running (no " + ModuleContainer.class.getName() + " service)");
        }
        return container;
    }
}
