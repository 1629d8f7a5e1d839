package org.kmod4j.core;

import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * What the core needs from the OSGi framework: the framework adapter
 * ({@code org.kmod4j.framework}) implements it on any R7 framework, core tests implement it in
 * memory. Each method fails with a
 * {@link org.kmod4j.api.ModuleException} carrying the code the load or unload should fail with.
 */
public interface BundleHost {

    /** Installs the jar as a bundle without starting it. */
    Hosted install(ModuleManifest manifest);

    /** Ids of the installed bundles (0: the framework) with a capability matching the requirement. */
    Set<Long> providers(String namespace, String filter);

    /**
     * Installs the jar of a module that replaces the one in {@code replaced}: as
     * {@link #install(ModuleManifest)}, but the new bundle must never be wired to the old one
     * (it would hold the module it replaces), and both are installed at once.
     */
    default Hosted install(ModuleManifest manifest, Bundle replaced) {
        return install(manifest);
    }

    /**
     * As {@link #install(ModuleManifest, Bundle)} for a module of a cascade replace: the new
     * bundle is never wired to any of {@code shunned} either (every old instance of the cascade),
     * so it resolves against the new instances loaded before it.
     */
    default Hosted install(ModuleManifest manifest, Bundle replaced, Set<Bundle> shunned) {
        return install(manifest, replaced);
    }

    /**
     * Feeds {@code follower} the services of {@code type} (matching {@code filter} if not null)
     * that {@code consumer} can use: those registered now, then every registration,
     * modification and unregistration, until the returned handle is closed or the consumer's
     * bundle stops (which closes the follower).
     *
     * @throws org.kmod4j.api.ModuleException EINVAL for a filter that does not parse
     * @throws UnsupportedOperationException where the host has no service registry (in-memory hosts)
     */
    default AutoCloseable followServices(BundleContext consumer, Class<?> type, String filter, ServiceFollower follower) {
        throw new UnsupportedOperationException("this host has no service registry");
    }

    /** A bundle installed for a module. */
    interface Hosted {

        Bundle bundle();

        /** Resolves the bundle; ENOENT naming the unresolved requirement if it cannot. */
        void resolve();

        /** The bundle's class loader (after resolve). */
        ClassLoader classLoader();

        /** Loads a class from the bundle. */
        Class<?> loadClass(String name) throws ClassNotFoundException;

        /** Packages whose classes the bundle itself contains (after resolve). */
        Set<String> packages();

        /**
         * Ids of the bundles this one is wired to now, in every namespace (packages, bundles,
         * host, extenders, capabilities, wires a dynamic import made since).
         */
        Set<Long> providers();

        /** Ids of the bundles wired to this one now, in every namespace. */
        Set<Long> consumers();

        /** Starts the bundle: its Bundle-Activator runs. */
        void start();

        /** Stops the bundle if it is active: its Bundle-Activator's stop runs. */
        void stop();

        /** Uninstalls the bundle and refreshes, waiting for the refresh to finish. */
        void uninstall();
    }
}
