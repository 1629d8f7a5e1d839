package org.kmod4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.SrcuDomain;
import org.osgi.framework.BundleContext;

/**
 * The {@link ModuleContext} handed to a module's init and exit. Valid from COMING until it is
 * released (the module goes, or its init was abandoned after a timeout); after that it refuses
 * everything that would act (ENODEV), so an abandoned init thread can neither register a
 * notifier that keeps firing nor take a reference that pins another module.
 */
final class KernelModuleContext implements ModuleContext {
    private final Kernel kernel;
    private final KernelModule module;
    private final ModuleContainer container;
    /** References taken through this context and not yet closed; guarded by this. */
    private final List<ModuleRef> references = new ArrayList<>();
    private final List<ModuleNotifier> notifiers = new ArrayList<>();
    /** Followers behind {@link #service} proxies, closed when the module goes; guarded by this. */
    private final List<ServiceFollower> followers = new ArrayList<>();
    private boolean released; // guarded by this

    KernelModuleContext(Kernel kernel, KernelModule module) {
        this.kernel = kernel;
        this.module = module;
        this.container = new ContextContainer(kernel, this);
    }

    @Override
    public Module module() {
        return module;
    }

    @Override
    public BundleContext bundleContext() {
        checkValid();
        return module.bundle().getBundleContext();
    }

    /** The container, refusing every call once this context is released. */
    @Override
    public ModuleContainer container() {
        return container;
    }

    @Override
    public String parameter(String name) {
        if (module.parameterSpecs().stream().noneMatch(s -> s.name().equals(name))) {
            List<String> declared = module.parameterSpecs().stream().map(ParameterSpec::name).toList();
            throw new IllegalArgumentException("module " + module.name() + " declares no parameter '" + name + "'"
                    + (declared.isEmpty() ? " (it declares none)" : " (declared: " + String.join(", ", declared) + ")"));
        }
        return module.parameters().get(name);
    }

    @Override
    public Map<String, String> parameters() {
        return module.parameters();
    }

    @Override
    public SrcuDomain domain() {
        checkValid();
        return module.domain();
    }

    @Override
    public SrcuDomain domain(String name) {
        checkValid();
        return module.srcuStruct(name);
    }

    @Override
    public ModuleRef reference(String moduleName) {
        checkValid();
        Module target = kernel.find(moduleName).orElseThrow(
                () -> new ModuleException(Errno.ENOENT, "Module " + moduleName + " is not currently loaded"));
        ModuleRef ref = target.get();
        ModuleRef tracked = new ModuleRef() {
            @Override
            public Module module() {
                return ref.module();
            }

            @Override
            public void close() {
                synchronized (KernelModuleContext.this) {
                    references.remove(this);
                }
                ref.close();
            }
        };
        synchronized (this) {
            if (!released) {
                references.add(tracked);
                return tracked;
            }
        }
        ref.close(); // released while we took it
        throw gone();
    }

    @Override
    public void registerNotifier(ModuleNotifier notifier, int priority) {
        synchronized (this) {
            if (released) {
                throw gone();
            }
            notifiers.add(notifier);
            // under this monitor, so release() cannot miss it; the chain's own lock is a leaf
            kernel.notifiers().register(notifier, priority);
        }
    }

    @Override
    public <T> T service(Class<T> type, String filter, Duration wait) {
        ServiceFollower follower = kernel.follow(bundleContext(), type, filter, wait);
        synchronized (this) {
            if (!released) {
                followers.add(follower);
                return GuardedProxyClasses.newProxy(type, follower);
            }
        }
        follower.close(); // released while we followed
        throw gone();
    }

    /** At GOING, after the notifiers (or when an init is abandoned): drops what the module left behind. */
    void release() {
        List<ModuleRef> left;
        List<ModuleNotifier> registered;
        List<ServiceFollower> following;
        synchronized (this) {
            released = true;
            left = new ArrayList<>(references);
            registered = new ArrayList<>(notifiers);
            notifiers.clear();
            following = new ArrayList<>(followers);
            followers.clear();
        }
        for (ServiceFollower f : following) {
            f.close();
        }
        for (ModuleNotifier n : registered) {
            kernel.notifiers().unregister(n);
        }
        for (ModuleRef r : left) {
            kernel.warn(module.name() + ": left a reference on " + r.module().name() + " held; put for it");
            r.close();
        }
    }

    synchronized boolean isReleased() {
        return released;
    }

    void checkValid() {
        if (isReleased()) {
            throw gone();
        }
    }

    private ModuleException gone() {
        return new ModuleException(Errno.ENODEV, "Module " + module.name() + " is gone: its context was released");
    }

    @Override
    public void log(String message) {
        kernel.log().module(module.name(), ModuleEvent.Level.INFO, module.name() + ": " + message);
    }
}
