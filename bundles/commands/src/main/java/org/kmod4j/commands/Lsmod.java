package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.Taint;

/**
 * {@code lsmod}: kmod's table ({@code "%-19s %8ld  %d holders"}) plus the state column and
 * permanent marker of {@code /proc/modules}, and the container's taint letters.
 */
public final class Lsmod {

    private final ContainerAccess container;

    Lsmod(ContainerAccess container) {
        this.container = container;
    }

    @Descriptor("show the loaded modules: name, size, references and holders (Used by), state")
    public String lsmod() {
        try {
            // no final newline: the shell adds one when it prints a result
            return render(container.get()).stripTrailing();
        } catch (RuntimeException e) {
            throw CommandErrors.report("lsmod", e);
        }
    }

    static String render(ModuleContainer container) {
        Columns table = new Columns()
                .column("Module", Columns.Align.LEFT, 19, "")
                .column("Size", Columns.Align.RIGHT, 8, " ")
                .column("Used by", Columns.Align.LEFT, 0, "  ")
                .column("State", Columns.Align.LEFT, 0, "  ");
        for (Module module : container.modules()) {
            table.row(module.name(), Long.toString(module.size()), usedBy(module), state(module));
        }
        StringBuilder out = new StringBuilder();
        Set<Taint> taints = container.taints();
        if (!taints.isEmpty()) {
            out.append("Tainted: ").append(Taints.letters(taints)).append('\n');
        }
        out.append(table.render());
        return out.toString();
    }

    /** {@code refcnt holder1,holder2}, with {@code [permanent]} as /proc/modules shows it. */
    static String usedBy(Module module) {
        List<String> users = new ArrayList<>(module.holders());
        if (module.isPermanent()) {
            users.add("[permanent]");
        }
        String refcount = Integer.toString(module.refcount());
        return users.isEmpty() ? refcount : refcount + " " + String.join(",", users);
    }

    /** Live / Loading / Unloading, followed by the module's own taints as in /proc/modules. */
    static String state(Module module) {
        String taints = Taints.letters(module.taints());
        return taints.isEmpty() ? module.state().procName() : module.state().procName() + " (" + taints + ")";
    }
}
