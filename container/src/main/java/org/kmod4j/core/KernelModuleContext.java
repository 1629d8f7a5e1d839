package org.kmod4j.core;

import java.util.Map;

import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.SrcuDomain;
import org.osgi.framework.BundleContext;

/** The {@link ModuleContext} handed to a module's init and exit. */
final class KernelModuleContext implements ModuleContext {
    private final Kernel kernel;
    private final KernelModule module;

    KernelModuleContext(Kernel kernel, KernelModule module) {
        this.kernel = kernel;
        this.module = module;
    }

    @Override
    public Module module() {
        return module;
    }

    @Override
    public BundleContext bundleContext() {
        return module.bundle().getBundleContext();
    }

    @Override
    public ModuleContainer container() {
        return kernel;
    }

    @Override
    public String parameter(String name) {
        return module.parameters().get(name);
    }

    @Override
    public Map<String, String> parameters() {
        return module.parameters();
    }

    @Override
    public SrcuDomain domain() {
        return module.domain();
    }

    @Override
    public SrcuDomain domain(String name) {
        return module.domain(name);
    }

    @Override
    public void log(String message) {
        kernel.log().info(module.name() + ": " + message);
    }
}
