package org.kmod4j.commands;


import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.CommandSession;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.ModuleEventListener;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.ReplaceOptions;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.core.KernelEvent;
import org.kmod4j.core.KernelLog;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Hand-written fakes of the container API and of a Gogo session for the commands' unit tests. */
final class Fakes {

    private Fakes() {
    }

    /** A session whose variables are {@code variables}; every other method fails. */
    static CommandSession session(Map<String, Object> variables) {
        return (CommandSession) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[] {CommandSession.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "get":
                            return variables.get((String) args[0]);
                        case "currentDir":
                            return null;
                        case "toString":
                            return "FakeSession" + variables;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** The console session as gogo.jline's shell sets it up (it has a line reader). */
    static CommandSession console() {
        Map<String, Object> variables = new HashMap<>();
        variables.put(".reader", new Object()); // gogo.jline's Shell.VAR_READER
        return session(variables);
    }

    static final class FakeDomain implements SrcuDomain {
        final String name;
        long gracePeriods;
        long pending;
        boolean hadCallbacks;

        FakeDomain(String name, long gracePeriods, long pending, boolean hadCallbacks) {
            this.name = name;
            this.gracePeriods = gracePeriods;
            this.pending = pending;
            this.hadCallbacks = hadCallbacks;
        }

        @Override public String name() { return name; }
        @Override public int readLock() { return 0; }
        @Override public void readUnlock(int index) { }
        @Override public Guard enter() { return () -> { }; }
        @Override public void synchronize() { }
        @Override public void call(Runnable callback) { }
        @Override public void barrier() { }
        @Override public boolean cleanup() { return true; }
        @Override public long gracePeriods() { return gracePeriods; }
        @Override public long callbacksPending() { return pending; }
        @Override public boolean hadCallbacks() { return hadCallbacks; }
    }

    static final class FakeModule implements Module {
        final String name;
        ModuleState state = ModuleState.LIVE;
        long size = 1234;
        int refcount;
        boolean permanent;
        List<String> holders = new ArrayList<>();
        List<String> uses = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        List<ParameterSpec> specs = new ArrayList<>();
        Map<String, List<String>> info = new LinkedHashMap<>();
        Set<Taint> taints = EnumSet.noneOf(Taint.class);
        Map<String, SrcuDomain> domains = new TreeMap<>();

        FakeModule(String name) {
            this.name = name;
            domains.put("default", new FakeDomain("default", 0, 0, false));
        }

        @Override public String name() { return name; }
        @Override public ModuleState state() { return state; }
        @Override public String version() { return "1.0.0"; }
        @Override public String filename() { return "/modules/" + name + ".jar"; }
        @Override public long size() { return size; }
        @Override public Bundle bundle() { return null; }
        String signer = "";
        @Override public String signer() { return signer; }
        @Override public boolean isPermanent() { return permanent; }
        @Override public int refcount() { return refcount; }
        @Override public List<String> holders() { return holders; }
        @Override public List<String> uses() { return uses; }
        @Override public Map<String, String> parameters() { return parameters; }
        @Override public List<ParameterSpec> parameterSpecs() { return specs; }
        @Override public Map<String, List<String>> info() { return info; }
        @Override public Set<Taint> taints() { return taints; }
        @Override public boolean tryGet() { return false; }
        @Override public void put() { }
        @Override public ModuleRef get() { throw new UnsupportedOperationException(); }
        @Override public ModuleGuard enter() { throw new UnsupportedOperationException(); }
        @Override public <T> T guarded(Class<T> type, T target) { throw new UnsupportedOperationException(); }
        @Override public SrcuDomain domain() { return domains.get("default"); }
        @Override public Map<String, SrcuDomain> domains() { return domains; }
    }

    static final class FakeContainer implements ModuleContainer {
        final List<Module> modules = new CopyOnWriteArrayList<>();
        final Set<Taint> taints = EnumSet.noneOf(Taint.class);
        /** The container's real event log: dmesg tests publish into it. */
        final KernelLog log = new KernelLog(64);
        final List<String> unloaded = new CopyOnWriteArrayList<>();

        FakeModule add(String name) {
            FakeModule module = new FakeModule(name);
            modules.add(module);
            return module;
        }

        @Override public Module load(Path jar, LoadOptions options) {
            throw new ModuleException(Errno.ENOEXEC, "could not insert module " + jar + ": Invalid module format");
        }

        @Override public void unload(String name, UnloadOptions options) {
            Module module = find(name).orElseThrow(
                    () -> new ModuleException(Errno.ENOENT, "Module " + name + " is not currently loaded"));
            modules.remove(module);
            unloaded.add(name);
        }

        @Override public Module replace(Path jar, LoadOptions options, ReplaceOptions replace) {
            throw new ModuleException(Errno.ENOEXEC, "could not insert module " + jar + ": Invalid module format");
        }

        @Override public <T> T service(BundleContext consumer, Class<T> type, String filter, Duration wait) {
            throw new UnsupportedOperationException();
        }

        @Override public List<Module> requestModule(String nameOrAlias) { throw new UnsupportedOperationException(); }
        @Override public Optional<Module> find(String name) {
            return modules.stream().filter(m -> m.name().equals(name)).findFirst();
        }
        @Override public Optional<Module> find(Bundle bundle) { return Optional.empty(); }
        @Override public Optional<Module> find(Class<?> type) { return Optional.empty(); }
        @Override public Optional<Module> findByClassName(String className) { return Optional.empty(); }
        @Override public Optional<Module> find(ClassLoader loader) { return Optional.empty(); }
        @Override public List<Module> modules() { return List.copyOf(modules); }
        @Override public ModuleInfo inspect(Path jar) { throw new UnsupportedOperationException(); }
        @Override public Set<Taint> taints() { return taints; }
        @Override public List<String> dmesg() {
            return log.entries().stream().filter(e -> e.level() != ModuleEvent.Level.DEBUG).map(KernelEvent::dmesgLine).toList();
        }
        @Override public List<ModuleEvent> clearDmesg() { return List.copyOf(log.clear()); }
        @Override public List<ModuleEvent> events(long fromSequence) { return List.copyOf(log.entries(fromSequence)); }
        @Override public AutoCloseable follow(long fromSequence, ModuleEventListener listener) {
            return log.follow(fromSequence, listener);
        }
        @Override public ModuleEvent deployAction(String module, String text, Errno errno) {
            throw new UnsupportedOperationException();
        }
    }
}
