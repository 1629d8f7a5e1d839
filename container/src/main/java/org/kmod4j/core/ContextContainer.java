package org.kmod4j.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The container as a module's context hands it out: every call is refused once the context is released. */
final class ContextContainer implements ModuleContainer {
    private final Kernel kernel;
    private final KernelModuleContext context;

    ContextContainer(Kernel kernel, KernelModuleContext context) {
        this.kernel = kernel;
        this.context = context;
    }

    private Kernel kernel() {
        context.checkValid();
        return kernel;
    }

    @Override
    public Module load(Path jar, LoadOptions options) {
        return kernel().load(jar, options);
    }

    @Override
    public Module replace(Path jar, LoadOptions options, ReplaceOptions replace) {
        return kernel().replace(jar, options, replace);
    }

    @Override
    public <T> T service(BundleContext consumer, Class<T> type, String filter, Duration wait) {
        return kernel().service(consumer, type, filter, wait);
    }

    @Override
    public void unload(String name, UnloadOptions options) {
        kernel().unload(name, options);
    }

    @Override
    public List<Module> requestModule(String nameOrAlias) {
        return kernel().requestModule(nameOrAlias);
    }

    @Override
    public Optional<Module> find(String name) {
        return kernel().find(name);
    }

    @Override
    public Optional<Module> find(Bundle bundle) {
        return kernel().find(bundle);
    }

    @Override
    public Optional<Module> find(Class<?> type) {
        return kernel().find(type);
    }

    @Override
    public Optional<Module> findByClassName(String className) {
        return kernel().findByClassName(className);
    }

    @Override
    public Optional<Module> find(ClassLoader loader) {
        return kernel().find(loader);
    }

    @Override
    public List<Module> modules() {
        return kernel().modules();
    }

    @Override
    public ModuleInfo inspect(Path jar) {
        return kernel().inspect(jar);
    }

    @Override
    public Set<Taint> taints() {
        return kernel().taints();
    }

    @Override
    public List<String> dmesg() {
        return kernel().dmesg();
    }

    @Override
    public List<ModuleEvent> clearDmesg() {
        return kernel().clearDmesg();
    }

    @Override
    public List<ModuleEvent> events(long fromSequence) {
        return kernel().events(fromSequence);
    }

    @Override
    public AutoCloseable follow(long fromSequence, ModuleEventListener listener) {
        return kernel().follow(fromSequence, listener);
    }

    @Override
    public ModuleEvent deployAction(String module, String text, Errno errno) {
        return kernel().deployAction(module, text, errno);
    }
}
