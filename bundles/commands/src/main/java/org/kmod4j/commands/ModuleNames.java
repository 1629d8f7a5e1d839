package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Module;

/**
 * {@code __modules}: the loaded module names, for the console's Tab completion of rmmod,
 * modinfo and modprobe -r (the launcher's shell profile names it; a leading {@code __} is
 * gogo.jline's convention for completion helpers, as its {@code __files}).
 */
public final class ModuleNames {

    private final ContainerAccess container;

    ModuleNames(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("the loaded module names, for Tab completion")
    public List<String> __modules() {
        List<String> names = new ArrayList<>();
        try {
            for (Module module : container.get().modules()) {
                names.add(module.name());
            }
        } catch (RuntimeException e) {
            // no container: nothing to offer
        }
        return names;
    }
}
