package org.kmod4j.management;

import java.util.List;

import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.Taint;

/** The container's MXBean. */
final class ContainerBean implements ContainerMXBean {

    private final ModuleContainer container;

    ContainerBean(ModuleContainer container) {
        this.container = container;
    }

    @Override
    public String getTaints() {
        return Taint.letters(container.taints());
    }

    @Override
    public int getModuleCount() {
        return container.modules().size();
    }

    /** kmod's lsmod: {@code printf("%-19s %8ld  %d", name, size, refcnt)}, then {@code " holder1,holder2"}. */
    @Override
    public String lsmod() {
        StringBuilder out = new StringBuilder("Module                  Size  Used by\n");
        for (Module module : container.modules()) {
            out.append(String.format("%-19s %8d  %d", module.name(), module.size(), module.refcount()));
            List<String> holders = module.holders();
            if (!holders.isEmpty()) {
                out.append(' ').append(String.join(",", holders));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public String[] dmesg() {
        return container.dmesg().toArray(new String[0]);
    }
}
