package org.kmod4j.felix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.core.BundleHost;
import org.kmod4j.core.KmodWording;
import org.kmod4j.core.ModuleManifest;
import org.kmod4j.core.ServiceFollower;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * The core's {@link BundleHost} on a real framework, through the standard OSGi API only
 * (install, FrameworkWiring resolve/refresh, BundleWiring), so it works on any R7+ framework.
 */
final class FelixBundleHost implements BundleHost {
    private static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext system;
    private final FrameworkWiring frameworkWiring;

    private final ReplacementHooks replacements = new ReplacementHooks();

    FelixBundleHost(BundleContext system) {
        this.system = system;
        this.frameworkWiring = system.getBundle(0).adapt(FrameworkWiring.class);
        system.registerService(new String[] {ResolverHookFactory.class.getName(), CollisionHook.class.getName()},
                replacements, null);
    }

    @Override
    public Hosted install(ModuleManifest manifest) {
        return install(manifest, (Bundle) null);
    }

    @Override
    public Hosted install(ModuleManifest manifest, Bundle replaced) {
        // a location of our own: never handed back a bundle someone else installed from the file;
        // a replacement's differs from the old instance's, which may come from the same file
        String location = "kmod4j:" + manifest.name() + ":" + manifest.path().toUri()
                + (replaced == null ? "" : "#replaces-" + replaced.getBundleId());
        if (system.getBundle(location) != null) {
            throw new ModuleException(Errno.EBUSY, KmodWording.insertError(manifest.filename(), Errno.EBUSY)
                    + " (a bundle from an earlier load of " + manifest.name() + " is still installed)");
        }
        try (InputStream in = Files.newInputStream(manifest.source())) {
            Bundle bundle;
            if (replaced == null) {
                bundle = system.installBundle(location, in);
            } else {
                replacements.installing.set(replaced.getBundleId());
                try {
                    bundle = system.installBundle(location, in);
                } finally {
                    replacements.installing.remove();
                }
                replacements.pairs.put(bundle.getBundleId(), replaced.getBundleId());
            }
            return new FelixHosted(bundle, manifest.filename());
        } catch (BundleException e) {
            Errno errno = e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR ? Errno.EEXIST
                    : e.getType() == BundleException.MANIFEST_ERROR ? Errno.ENOEXEC : Errno.EIO;
            throw new ModuleException(errno, KmodWording.insertError(manifest.filename(), errno) + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, KmodWording.insertError(manifest.filename(), Errno.EIO) + " (" + e + ")", e);
        }
    }

    @Override
    public AutoCloseable followServices(BundleContext consumer, Class<?> type, String filter, ServiceFollower follower) {
        return ServiceFollowing.start(consumer, type, filter, follower);
    }

    private final class FelixHosted implements Hosted {
        private final Bundle bundle;
        private final String filename;

        FelixHosted(Bundle bundle, String filename) {
            this.bundle = bundle;
            this.filename = filename;
        }

        @Override
        public Bundle bundle() {
            return bundle;
        }

        @Override
        public void resolve() {
            if (frameworkWiring.resolveBundles(List.of(bundle))) {
                return;
            }
            throw new ModuleException(Errno.ENOENT, KmodWording.insertError(filename, Errno.ENOENT)
                    + " (missing requirement: " + String.join("; ", unsatisfied()) + ")");
        }

        /** The mandatory requirements no installed bundle provides. */
        private List<String> unsatisfied() {
            List<String> missing = new ArrayList<>();
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            for (Requirement r : revision.getRequirements(null)) {
                String resolution = r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
                String effective = r.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
                if (Namespace.RESOLUTION_OPTIONAL.equals(resolution)
                        || (effective != null && !Namespace.EFFECTIVE_RESOLVE.equals(effective))) {
                    continue;
                }
                Collection<?> providers = frameworkWiring.findProviders(r);
                if (providers.isEmpty()) {
                    String filter = r.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
                    missing.add(r.getNamespace() + (filter == null ? "" : " " + filter));
                }
            }
            if (missing.isEmpty()) {
                missing.add("the framework could not resolve " + bundle.getSymbolicName() + " (a uses conflict?)");
            }
            return missing;
        }

        @Override
        public ClassLoader classLoader() {
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            return wiring == null ? null : wiring.getClassLoader();
        }

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            return bundle.loadClass(name);
        }

        @Override
        public Set<String> packages() {
            Set<String> packages = new LinkedHashSet<>();
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (wiring == null) {
                return packages;
            }
            Collection<String> classes = wiring.listResources("/", "*.class",
                    BundleWiring.LISTRESOURCES_RECURSE | BundleWiring.LISTRESOURCES_LOCAL);
            for (String c : classes) {
                int slash = c.lastIndexOf('/');
                packages.add(slash < 0 ? "" : c.substring(0, slash).replace('/', '.'));
            }
            return packages;
        }

        @Override
        public Set<Long> providers() {
            Set<Long> ids = new LinkedHashSet<>();
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (wiring == null) {
                return ids;
            }
            for (String ns : List.of(PackageNamespace.PACKAGE_NAMESPACE, BundleNamespace.BUNDLE_NAMESPACE)) {
                List<BundleWire> wires = wiring.getRequiredWires(ns);
                if (wires != null) {
                    for (BundleWire w : wires) {
                        ids.add(w.getProviderWiring().getBundle().getBundleId());
                    }
                }
            }
            return ids;
        }

        @Override
        public void start() {
            try {
                bundle.start(Bundle.START_TRANSIENT);
            } catch (BundleException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ModuleException) {
                    throw (ModuleException) cause;
                }
                throw new IllegalStateException("Bundle-Activator failed: " + (cause != null ? cause : e.getMessage()), e);
            }
        }

        @Override
        public void stop() {
            if ((bundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
                return;
            }
            try {
                bundle.stop(Bundle.STOP_TRANSIENT);
            } catch (BundleException e) {
                throw new IllegalStateException("Bundle-Activator stop failed: " + (e.getCause() != null ? e.getCause() : e.getMessage()), e);
            }
        }

        @Override
        public void uninstall() {
            long id = bundle.getBundleId();
            replacements.pairs.keySet().removeIf(k -> k == id);
            replacements.pairs.values().removeIf(v -> v == id);
            if (bundle.getState() != Bundle.UNINSTALLED) {
                try {
                    bundle.uninstall();
                } catch (BundleException e) {
                    throw new IllegalStateException("uninstall failed: " + e.getMessage(), e);
                }
            }
            CountDownLatch refreshed = new CountDownLatch(1);
            frameworkWiring.refreshBundles(List.of(bundle), (FrameworkEvent event) -> refreshed.countDown());
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        if (!refreshed.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("refresh did not finish in " + REFRESH_TIMEOUT_SECONDS + " s");
                        }
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
