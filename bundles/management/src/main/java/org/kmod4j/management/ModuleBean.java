package org.kmod4j.management;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kmod4j.api.Module;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;

/** The MXBean of one module: every attribute read live from the {@link Module}. */
final class ModuleBean implements ModuleMXBean {

    private final Module module;

    ModuleBean(Module module) {
        this.module = module;
    }

    Module module() {
        return module;
    }

    @Override
    public String getName() {
        return module.name();
    }

    @Override
    public String getState() {
        return module.state().name();
    }

    @Override
    public int getRefcount() {
        return module.refcount();
    }

    @Override
    public String[] getHolders() {
        return module.holders().toArray(new String[0]);
    }

    @Override
    public String[] getUses() {
        return module.uses().toArray(new String[0]);
    }

    @Override
    public Map<String, String> getParameters() {
        return new LinkedHashMap<>(module.parameters());
    }

    @Override
    public boolean isPermanent() {
        return module.isPermanent();
    }

    @Override
    public String getTaints() {
        return Taint.letters(module.taints());
    }

    @Override
    public String getVersion() {
        return module.version();
    }

    @Override
    public String getFilename() {
        return module.filename();
    }

    @Override
    public long getSize() {
        return module.size();
    }

    @Override
    public String[] getSrcuDomains() {
        List<String> domains = new ArrayList<>();
        for (Map.Entry<String, SrcuDomain> entry : module.domains().entrySet()) {
            SrcuDomain domain = entry.getValue();
            domains.add(entry.getKey() + " gp=" + domain.gracePeriods() + " pending=" + domain.callbacksPending()
                    + " callbacks=" + (domain.hadCallbacks() ? "yes" : "no"));
        }
        return domains.toArray(new String[0]);
    }
}
