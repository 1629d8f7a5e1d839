package org.kmod4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.kmod4j.core.BundleHost;
import org.kmod4j.core.ModuleManifest;
import org.osgi.framework.Bundle;

/**
 * An in-memory framework for the core benchmarks (the model is the core tests' TestHost): a
 * bundle is an id, a {@link Bundle} proxy that answers only what the core asks, and a class
 * loader of its own that defines its own copy of {@link org.kmod4j.bench.probe.Probe} (so
 * {@code find(Class)} has a class per module to look up). Install, resolve, start, stop and
 * uninstall cost a map update, so what the benchmarks measure is the container.
 */
public final class BenchHost implements BundleHost {
    private final AtomicLong ids = new AtomicLong(100);
    final Map<Long, Hosted> installed = new ConcurrentHashMap<>();

    @Override
    public Hosted install(ModuleManifest manifest) {
        long id = ids.incrementAndGet();
        Hosted h = new MemHosted(id, manifest.name(), manifest.symbolicName());
        installed.put(id, h);
        return h;
    }

    public int installedCount() {
        return installed.size();
    }

    @Override
    public Set<Long> providers(String namespace, String filter) {
        return Set.of();
    }

    final class MemHosted implements Hosted {
        final long id;
        final String name;
        final Bundle bundle;
        final ProbeLoader loader;
        volatile int state = Bundle.INSTALLED;

        MemHosted(long id, String name, String bsn) {
            this.id = id;
            this.name = name;
            this.loader = new ProbeLoader(name, BenchHost.class.getClassLoader());
            this.bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getBundleId": return id;
                            case "getSymbolicName": return bsn;
                            case "getState": return state;
                            case "getBundleContext": return null;
                            case "hashCode": return Long.hashCode(id);
                            case "equals": return proxy == args[0];
                            case "toString": return "MemBundle[" + id + " " + name + "]";
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
            state = Bundle.RESOLVED;
        }

        @Override
        public ClassLoader classLoader() {
            return loader;
        }

        @Override
        public Class<?> loadClass(String className) throws ClassNotFoundException {
            return loader.loadClass(className);
        }

        @Override
        public Set<String> packages() {
            return Set.of(ProbeLoader.PROBE_PACKAGE + "." + name.replace('-', '_'));
        }

        @Override
        public Set<Long> providers() {
            return Set.of();
        }

        @Override
        public Set<Long> consumers() {
            return Set.of();
        }

        @Override
        public void start() {
            state = Bundle.ACTIVE;
        }

        @Override
        public void stop() {
            state = Bundle.RESOLVED;
        }

        @Override
        public void uninstall() {
            state = Bundle.UNINSTALLED;
            installed.remove(id);
        }
    }

    /** Child-first for the probe class only: each module's loader defines its own Probe. */
    public static final class ProbeLoader extends ClassLoader {
        static final String PROBE = "org.kmod4j.bench.probe.Probe";
        static final String PROBE_PACKAGE = "org.kmod4j.bench.probe";
        private static final byte[] PROBE_BYTES = bytes(PROBE);

        ProbeLoader(String name, ClassLoader parent) {
            super("module " + name, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (PROBE.equals(name)) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = defineClass(name, PROBE_BYTES, 0, PROBE_BYTES.length);
                    }
                    return c;
                }
            }
            return super.loadClass(name, resolve);
        }

        static byte[] bytes(String className) {
            try (InputStream in = BenchHost.class.getClassLoader().getResourceAsStream(className.replace('.', '/') + ".class")) {
                return in.readAllBytes();
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("class bytes of " + className, e);
            }
        }
    }
}
