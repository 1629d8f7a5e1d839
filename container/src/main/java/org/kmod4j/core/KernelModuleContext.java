package org.kmod4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.SrcuDomain;
import org.osgi.framework.BundleContext;

/** The {@link ModuleContext} handed to a module's init and exit. */
final class KernelModuleContext implements ModuleContext {
    private final Kernel kernel;
    private final KernelModule module;
    /** References taken through this context and not yet closed; guarded by this. */
    private final List<ModuleRef> references = new ArrayList<>();
    private final List<ModuleNotifier> notifiers = new ArrayList<>();
    /** Followers behind {@link #service} proxies, closed when the module goes; guarded by this. */
    private final List<ServiceFollower> followers = new ArrayList<>();
    private boolean released;

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
    public ModuleRef reference(String moduleName) {
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
            references.add(tracked);
        }
        return tracked;
    }

    @Override
    public synchronized void registerNotifier(ModuleNotifier notifier, int priority) {
        kernel.notifiers().register(notifier, priority);
        notifiers.add(notifier);
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
        follower.close();
        throw new ModuleException(Errno.ENOENT, "Module " + module.name() + " is going: it can no longer follow services");
    }

    /** At GOING, after exit and the notifiers: drops what the module left behind. */
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

    @Override
    public void log(String message) {
        kernel.log().info(module.name() + ": " + message);
    }
}
