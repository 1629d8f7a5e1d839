package org.kmod4j.bench;

import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real embedded Felix 7 for the benchmarks, optionally with the kmod4j container installed
 * the way the launcher does it: the container jar as a framework extension, the
 * {@code org.kmod4j.api.ModuleContainer} service from its activator. The API classes belong to
 * the framework's side, so this class reaches them through the system bundle and method
 * handles (resolved once; the calls are on millisecond paths).
 */
public final class FelixSupport implements AutoCloseable {
    public static final String CONTAINER_SERVICE = "org.kmod4j.api.ModuleContainer";

    public final Framework framework;
    public final BundleContext context;
    public final FrameworkWiring wiring;
    public final Path dir;
    private Kmod kmod;

    private FelixSupport(Framework framework, Path dir) {
        this.framework = framework;
        this.context = framework.getBundleContext();
        this.wiring = framework.adapt(FrameworkWiring.class);
        this.dir = dir;
    }

    public static FelixSupport start() {
        try {
            Path dir = Jars.tempDir("kmod4j-bench-felix");
            Map<String, Object> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            config.put("felix.log.level", "1");
            config.put("kmod4j.state.dir", dir.resolve("state").toString());
            Framework fw = new FrameworkFactory().newFramework(config);
            fw.init();
            fw.start();
            return new FelixSupport(fw, dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Felix", e);
        }
    }

    /** Installs the container extension (once) and returns a client for its service. */
    public synchronized Kmod kmod() {
        if (kmod == null) {
            try {
                Path jar = containerJar(dir);
                context.installBundle(jar.toUri().toString());
                ServiceTracker<Object, Object> t = new ServiceTracker<>(context,
                        context.createFilter("(" + Constants.OBJECTCLASS + "=" + CONTAINER_SERVICE + ")"), null);
                t.open(true);
                Object service = t.waitForService(30_000);
                if (service == null) {
                    throw new IllegalStateException("no " + CONTAINER_SERVICE + " service: the container extension did not start");
                }
                kmod = new Kmod(context.getBundle(0), service);
            } catch (Exception e) {
                throw new IllegalStateException("cannot install the kmod4j container", e);
            }
        }
        return kmod;
    }

    /** -Dkmod4j.container.jar=..., else the jar embedded in benchmarks.jar. */
    static Path containerJar(Path dir) throws Exception {
        String configured = System.getProperty("kmod4j.container.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        try (InputStream in = FelixSupport.class.getClassLoader().getResourceAsStream("kmod4j/kmod4j-container.jar")) {
            if (in == null) {
                throw new IllegalStateException("kmod4j/kmod4j-container.jar is not embedded; pass -Dkmod4j.container.jar=container/target/kmod4j-container-*.jar");
            }
            Path out = dir.resolve("kmod4j-container.jar");
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        }
    }

    /** Refreshes the bundles and waits for the refresh to finish, as the container's host does. */
    public void refresh(List<Bundle> bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(bundles, (FrameworkEvent e) -> done.countDown());
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("refresh did not finish");
        }
    }

    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (Exception e) {
            // best effort
        }
        Jars.deleteTree(dir);
    }

    /** The ModuleContainer service, called through method handles. */
    public static final class Kmod {
        public final Object container;
        private final MethodHandle load;
        private final MethodHandle unload;
        private final MethodHandle find;
        private final MethodHandle bundle;
        private final MethodHandle guarded;
        private final MethodHandle replace;
        private final MethodHandle service;
        private final Object loadDefaults;
        private final Object unloadDefaults;
        public final Class<?> moduleExceptionType;

        Kmod(Bundle system, Object container) throws Exception {
            this.container = container;
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            Class<?> mc = system.loadClass(CONTAINER_SERVICE);
            Class<?> lo = system.loadClass("org.kmod4j.api.LoadOptions");
            Class<?> uo = system.loadClass("org.kmod4j.api.UnloadOptions");
            Class<?> mod = system.loadClass("org.kmod4j.api.Module");
            Class<?> g = system.loadClass("org.kmod4j.api.Guarded");
            moduleExceptionType = system.loadClass("org.kmod4j.api.ModuleException");
            loadDefaults = lo.getMethod("defaults").invoke(null);
            unloadDefaults = uo.getMethod("defaults").invoke(null);
            load = l.findVirtual(mc, "load", MethodType.methodType(mod, Path.class, lo)).bindTo(container);
            unload = l.findVirtual(mc, "unload", MethodType.methodType(void.class, String.class, uo)).bindTo(container);
            find = l.findVirtual(mc, "find", MethodType.methodType(Optional.class, String.class)).bindTo(container);
            bundle = l.findVirtual(mod, "bundle", MethodType.methodType(Bundle.class));
            guarded = l.findStatic(g, "service", MethodType.methodType(Object.class, mod, Class.class, Object.class));
            replace = l.findVirtual(mc, "replace", MethodType.methodType(mod, Path.class, lo)).bindTo(container);
            service = l.findVirtual(mc, "service", MethodType.methodType(Object.class, BundleContext.class, Class.class,
                    String.class, Duration.class)).bindTo(container);
        }

        /** {@code ModuleContainer.replace(jar, defaults)}. */
        public Object replace(Path jar) {
            try {
                return replace.invoke(jar, loadDefaults);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** {@code ModuleContainer.service(consumer, type, null, null)}: a proxy following the provider. */
        public <T> T service(BundleContext consumer, Class<T> type) {
            try {
                return type.cast(service.invoke(consumer, type, (String) null, (Duration) null));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        public Object load(Path jar) {
            try {
                return load.invoke(jar, loadDefaults);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        public void unload(String name) {
            try {
                unload.invoke(name, unloadDefaults);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        public Optional<?> find(String name) {
            try {
                return (Optional<?>) find.invoke(name);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        public Bundle bundle(Object module) {
            try {
                return (Bundle) bundle.invoke(module);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** The errno name of a ModuleException, else null. */
        public String errno(Throwable t) {
            if (!moduleExceptionType.isInstance(t)) {
                return null;
            }
            try {
                return String.valueOf(t.getClass().getMethod("errno").invoke(t));
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }

        /** {@code Guarded.service(module, type, target)}. */
        public <T> T guarded(Object module, Class<T> type, T target) {
            try {
                return type.cast(guarded.invoke(module, type, target));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
