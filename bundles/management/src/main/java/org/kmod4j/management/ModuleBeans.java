package org.kmod4j.management;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardEmitterMBean;
import javax.management.StandardMBean;

import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;

/**
 * Keeps one {@link ModuleMXBean} per LIVE module registered on an MBean server, and the
 * container's {@link ContainerMXBean}. As a {@link ModuleNotifier} it registers a module's bean
 * on LIVE and unregisters it on GOING; {@link #start()} also registers the modules already LIVE
 * (the notifier must be registered first, so no module is missed). Registration and removal of
 * one name are serialised here; a bean registered by {@link #start()} for a module that went
 * GOING meanwhile is removed again at once, and a GOING event removes only the bean of that very
 * module object (a reload of the same name brings a new one).
 */
final class ModuleBeans implements ModuleNotifier {

    static final String DOMAIN = "org.kmod4j";

    private final MBeanServer server;
    private final ModuleContainer container;
    private final Consumer<String> log;
    private final Map<String, Registered> beans = new HashMap<>();
    private final ContainerBean containerBean;
    private ObjectName containerName;
    private boolean stopped;

    private static final class Registered {
        final Module module;
        final ObjectName name;

        Registered(Module module, ObjectName name) {
            this.module = module;
            this.name = name;
        }
    }

    ModuleBeans(MBeanServer server, ModuleContainer container, Consumer<String> log) {
        this.server = server;
        this.container = container;
        this.log = log;
        this.containerBean = new ContainerBean(container);
    }

    /** The container bean, which sends the container's events as JMX notifications. */
    ModuleEventListener events() {
        return containerBean;
    }

    static ObjectName moduleName(String module) {
        try {
            return new ObjectName(DOMAIN + ":type=Module,name=" + module);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("module name not usable in an ObjectName: " + module, e);
        }
    }

    static ObjectName containerName() {
        try {
            return new ObjectName(DOMAIN + ":type=Container");
        } catch (MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    /** Registers the container's bean and a bean for every module LIVE now. */
    void start() {
        synchronized (this) {
            ObjectName name = containerName();
            try {
                server.registerMBean(new StandardEmitterMBean(containerBean, ContainerMXBean.class, true, containerBean), name);
                containerBean.source(name);
                containerName = name;
            } catch (JMException e) {
                log.accept("cannot register " + name + ": " + e);
            }
        }
        for (Module module : container.modules()) {
            if (module.state() == ModuleState.LIVE) {
                register(module);
            }
        }
    }

    /** Unregisters every bean this object registered; later events are ignored. */
    synchronized void stop() {
        stopped = true;
        for (Registered registered : beans.values()) {
            unregister(registered.name);
        }
        beans.clear();
        if (containerName != null) {
            unregister(containerName);
            containerName = null;
        }
    }

    @Override
    public void moduleEvent(ModuleState event, Module module) {
        if (event == ModuleState.LIVE) {
            register(module);
        } else if (event == ModuleState.GOING) {
            unregister(module);
        }
    }

    synchronized void register(Module module) {
        if (stopped) {
            return;
        }
        Registered existing = beans.get(module.name());
        if (existing != null) {
            if (existing.module == module) {
                return;
            }
            unregister(existing.name);
            beans.remove(module.name());
        }
        ObjectName name = moduleName(module.name());
        try {
            server.registerMBean(new StandardMBean(new ModuleBean(module), ModuleMXBean.class, true), name);
        } catch (JMException e) {
            log.accept("cannot register " + name + ": " + e);
            return;
        }
        beans.put(module.name(), new Registered(module, name));
        if (module.state() == ModuleState.GOING) {
            unregister(module); // it went while we registered it: its GOING event has passed
        }
    }

    synchronized void unregister(Module module) {
        Registered existing = beans.get(module.name());
        if (existing != null && existing.module == module) {
            beans.remove(module.name());
            unregister(existing.name);
        }
    }

    /** The names of the module beans registered now (for tests). */
    synchronized Map<String, ObjectName> registered() {
        Map<String, ObjectName> names = new HashMap<>();
        beans.forEach((module, registered) -> names.put(module, registered.name));
        return names;
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            log.accept("cannot unregister " + name + ": " + e);
        }
    }
}
