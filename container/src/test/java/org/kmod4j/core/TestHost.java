package org.kmod4j.core;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.osgi.framework.Bundle;

/**
 * An in-memory framework for core tests: bundles are ids with their own class loader. Test
 * headers steer it: {@code X-Test-Uses: a b} wires the bundle to modules a and b,
 * {@code X-Test-Unresolved: why} fails resolve, {@code X-Test-Activator: fail} fails start.
 */
final class TestHost implements BundleHost {
    final AtomicLong ids = new AtomicLong(100);
    final Map<Long, TestHosted> installed = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Runs inside install, before the bundle exists: lets a test hold a load UNFORMED. */
    volatile Runnable onInstall = () -> { };
    /** Runs at the start of resolve, the bundle installed: holds a load UNFORMED with its bundle known. */
    volatile Runnable onResolve = () -> { };
    /**
     * Called with "install NAME", "resolve NAME", "start NAME", "stop NAME", "loadClass NAME",
     * "uninstall NAME" before each host operation; a test throws from it to inject a fault.
     */
    volatile java.util.function.Consumer<String> faults = point -> { };

    @Override
    public Hosted install(ModuleManifest manifest) {
        onInstall.run();
        faults.accept("install " + manifest.name());
        Attributes attrs;
        try (JarFile jar = new JarFile(manifest.source().toFile())) {
            attrs = jar.getManifest().getMainAttributes();
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, "test host: " + e);
        }
        TestHosted h = new TestHosted(ids.incrementAndGet(), manifest.name(), attrs);
        installed.put(h.id, h);
        events.add("install " + h.name);
        return h;
    }

    /** A cascade replace's new bundle: never wired to the old ones, as the framework adapter's resolver hook does. */
    @Override
    public Hosted install(ModuleManifest manifest, Bundle replaced, Set<Bundle> shunned) {
        TestHosted h = (TestHosted) install(manifest);
        shunned.forEach(b -> h.shunned.add(b.getBundleId()));
        return h;
    }

    /** Bundles whose module name the filter names (the test host has no capabilities of its own). */
    @Override
    public Set<Long> providers(String namespace, String filter) {
        Set<Long> ids = new LinkedHashSet<>();
        for (TestHosted h : installed.values()) {
            if (filter != null && filter.contains("=" + h.name + ")")) {
                ids.add(h.id);
            }
        }
        return ids;
    }

    /** Installed bundles by module name. */
    Set<String> installedNames() {
        Set<String> names = new LinkedHashSet<>();
        installed.values().forEach(h -> names.add(h.name));
        return names;
    }

    final class TestHosted implements Hosted {
        final long id;
        final String name;
        final Attributes attrs;
        final Bundle bundle;
        /** Dropped at uninstall, as a framework disposes the wiring on refresh. */
        volatile ClassLoader loader;
        volatile int state = Bundle.INSTALLED;
        /** Wires made after resolve, as a DynamicImport-Package makes them: ids of providers. */
        final Set<Long> laterWires = ConcurrentHashMap.newKeySet();
        /** Bundles it must not be wired to (a cascade replace's old ones). */
        final Set<Long> shunned = ConcurrentHashMap.newKeySet();
        /** The X-Test-Uses wires made at resolve: fixed from then on, as a framework's wiring. */
        volatile Set<Long> wired;

        TestHosted(long id, String name, Attributes attrs) {
            this.id = id;
            this.name = name;
            this.attrs = attrs;
            this.loader = new URLClassLoader("module " + name, new URL[0], TestHost.class.getClassLoader());
            this.bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getBundleId": return id;
                            case "getSymbolicName": return attrs.getValue("Bundle-SymbolicName");
                            case "getState": return state;
                            case "getBundleContext": return null;
                            case "hashCode": return Long.hashCode(id);
                            case "equals": return proxy == args[0];
                            case "toString": return "TestBundle[" + id + " " + name + "]";
                            default: throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        @Override
        public Bundle bundle() {
            return bundle;
        }

        @Override
        public void resolve() {
            onResolve.run();
            faults.accept("resolve " + name);
            String why = attrs.getValue("X-Test-Unresolved");
            if (why != null) {
                throw new ModuleException(Errno.ENOENT, "test host: unresolved " + why);
            }
            state = Bundle.RESOLVED;
            wired = Set.copyOf(usesByName());
        }

        @Override
        public ClassLoader classLoader() {
            return loader;
        }

        @Override
        public Class<?> loadClass(String className) throws ClassNotFoundException {
            faults.accept("loadClass " + name);
            return loader.loadClass(className);
        }

        @Override
        public Set<String> packages() {
            String p = attrs.getValue("X-Test-Packages");
            return p == null ? Set.of() : Set.of(p.trim().split("\\s+"));
        }

        @Override
        public Set<Long> providers() {
            Set<Long> w = wired;
            Set<Long> ids = new LinkedHashSet<>(w != null ? w : usesByName());
            ids.addAll(laterWires);
            return ids;
        }

        private Set<Long> usesByName() {
            Set<Long> ids = new LinkedHashSet<>();
            String uses = attrs.getValue("X-Test-Uses");
            if (uses != null) {
                for (String u : uses.trim().split("\\s+")) {
                    installed.values().stream().filter(h -> h.name.equals(u) && !shunned.contains(h.id)).forEach(h -> ids.add(h.id));
                }
            }
            return ids;
        }

        @Override
        public Set<Long> consumers() {
            Set<Long> ids = new LinkedHashSet<>();
            for (TestHosted h : installed.values()) {
                if (h.providers().contains(id)) {
                    ids.add(h.id);
                }
            }
            return ids;
        }

        @Override
        public void start() {
            faults.accept("start " + name);
            if ("fail".equals(attrs.getValue("X-Test-Activator"))) {
                throw new IllegalStateException("Bundle-Activator failed: test activator");
            }
            state = Bundle.ACTIVE;
            events.add("start " + name);
        }

        @Override
        public void stop() {
            faults.accept("stop " + name);
            if (state == Bundle.ACTIVE) {
                state = Bundle.RESOLVED;
                events.add("stop " + name);
            }
        }

        @Override
        public void uninstall() {
            faults.accept("uninstall " + name);
            state = Bundle.UNINSTALLED;
            loader = null;
            installed.remove(id);
            events.add("uninstall " + name);
        }
    }
}
