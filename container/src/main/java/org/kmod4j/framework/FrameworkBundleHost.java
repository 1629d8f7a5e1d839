package org.kmod4j.framework;

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
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * The core's {@link BundleHost} on a real framework, through the standard OSGi API only
 * (install, FrameworkWiring resolve/refresh, BundleWiring), so it works on any R7+ framework.
 */
final class FrameworkBundleHost implements BundleHost {
    private static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext system;
    private final FrameworkWiring frameworkWiring;

    private final ReplacementHooks replacements = new ReplacementHooks();

    FrameworkBundleHost(BundleContext system) {
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
        return install(manifest, replaced, Set.of());
    }

    @Override
    public Hosted install(ModuleManifest manifest, Bundle replaced, Set<Bundle> shunned) {
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
                if (!shunned.isEmpty()) {
                    Set<Long> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
                    shunned.forEach(b -> ids.add(b.getBundleId()));
                    replacements.shunned.put(bundle.getBundleId(), ids);
                }
            }
            return new FrameworkHosted(bundle, manifest.filename());
        } catch (BundleException e) {
            Errno errno = e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR ? Errno.EEXIST
                    : e.getType() == BundleException.MANIFEST_ERROR ? Errno.ENOEXEC : Errno.EIO;
            throw new ModuleException(errno, KmodWording.insertError(manifest.filename(), errno) + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModuleException(Errno.EIO, KmodWording.insertError(manifest.filename(), Errno.EIO) + " (" + e + ")", e);
        }
    }

    @Override
    public Set<Long> providers(String namespace, String filter) {
        Set<Long> ids = new LinkedHashSet<>();
        for (Capability c : frameworkWiring.findProviders(new FilterRequirement(namespace, filter))) {
            ids.add(((BundleRevision) c.getResource()).getBundle().getBundleId());
        }
        return ids;
    }

    @Override
    public AutoCloseable followServices(BundleContext consumer, Class<?> type, String filter, ServiceFollower follower) {
        return ServiceFollowing.start(consumer, type, filter, follower);
    }

    private final class FrameworkHosted implements Hosted {
        private final Bundle bundle;
        private final String filename;

        FrameworkHosted(Bundle bundle, String filename) {
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
            String host = resolvedHost();
            if (host != null) {
                // Felix attaches a fragment only while its host resolves; refreshing a live host
                // module behind its back is not the container's to do
                throw new ModuleException(Errno.EBUSY, KmodWording.insertError(filename, Errno.EBUSY)
                        + " (fragment of " + host + ", which is already resolved: the framework attaches a fragment"
                        + " only while its host resolves)");
            }
            throw new ModuleException(Errno.ENOENT, KmodWording.insertError(filename, Errno.ENOENT)
                    + " (missing requirement: " + String.join("; ", unsatisfied()) + ")");
        }

        /**
         * For a fragment whose host is already resolved, the host's symbolic name; else null.
         * Matched by hand: findProviders leaves out hosts that can no longer take a fragment.
         */
        private String resolvedHost() {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision == null || (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                return null;
            }
            for (Requirement r : revision.getRequirements(HostNamespace.HOST_NAMESPACE)) {
                Filter filter;
                try {
                    filter = FrameworkUtil.createFilter(r.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
                } catch (InvalidSyntaxException | NullPointerException e) {
                    return null;
                }
                for (Bundle host : system.getBundles()) {
                    BundleRevision hr = host.adapt(BundleRevision.class);
                    if (hr == null || (host.getState() & (Bundle.INSTALLED | Bundle.UNINSTALLED)) != 0) {
                        continue;
                    }
                    for (Capability c : hr.getCapabilities(HostNamespace.HOST_NAMESPACE)) {
                        if (filter.matches(c.getAttributes())) {
                            return host.getSymbolicName();
                        }
                    }
                }
            }
            return null;
        }

        /** The mandatory requirements no installed bundle provides. */
        private List<String> unsatisfied() {
            List<String> missing = new ArrayList<>();
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            for (Requirement r : revision.getRequirements(null)) {
                if (!Requirements.mandatory(r)) {
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

        /** Every namespace: packages, bundles, host (a fragment), extenders, capabilities, dynamic imports. */
        @Override
        public Set<Long> providers() {
            Set<Long> ids = new LinkedHashSet<>();
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            List<BundleWire> wires = wiring == null ? null : wiring.getRequiredWires(null);
            if (wires != null) {
                for (BundleWire w : wires) {
                    ids.add(w.getProvider().getBundle().getBundleId());
                }
            }
            return ids;
        }

        @Override
        public Set<Long> consumers() {
            Set<Long> ids = new LinkedHashSet<>();
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            List<BundleWire> wires = wiring == null ? null : wiring.getProvidedWires(null);
            if (wires != null) {
                for (BundleWire w : wires) {
                    ids.add(w.getRequirer().getBundle().getBundleId());
                }
            }
            return ids;
        }

        private boolean fragment() {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        }

        @Override
        public void start() {
            if (fragment()) {
                return; // a fragment is never started: it lives in its host's class loader
            }
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
            replacements.forget(id);
            if (bundle.getState() != Bundle.UNINSTALLED) {
                try {
                    bundle.uninstall();
                } catch (BundleException e) {
                    throw new IllegalStateException("uninstall failed: " + e.getMessage(), e);
                } catch (IllegalStateException alreadyUninstalled) {
                    // the framework's own uninstall finished in between (a module followed after
                    // an uninstall behind the container's back): the refresh below is still due
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
