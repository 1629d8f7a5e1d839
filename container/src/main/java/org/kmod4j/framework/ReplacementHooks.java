package org.kmod4j.framework;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Lets a replacement bundle live beside the bundle it replaces: it may be installed with the
 * same symbolic name and version (a {@link CollisionHook}, consulted under the framework's default
 * {@code org.osgi.framework.bsnversion=managed}), the two never collide as singletons, and the new
 * one never imports the old one's packages (a module importing a package it exports would
 * otherwise be wired to the resolved old bundle, hold it, and be refreshed with it), nor, in a
 * cascade replace, the packages of the other old bundles ({@link #shunned}). Only the bundles
 * named in {@link #pairs}, {@link #shunned} and {@link #installing} are touched.
 */
final class ReplacementHooks implements ResolverHookFactory, ResolverHook, CollisionHook {
    /** New bundle id → the id of the bundle it replaces, while both are installed. */
    final Map<Long, Long> pairs = new ConcurrentHashMap<>();
    /**
     * New bundle id → ids of the other bundles a cascade replace replaces with its own (see
     * {@code CascadeReplacer}): it is not wired to those either, but to their replacements.
     */
    final Map<Long, Set<Long>> shunned = new ConcurrentHashMap<>();
    /** The id of the bundle the calling thread is installing a replacement of. */
    final ThreadLocal<Long> installing = new ThreadLocal<>();

    @Override
    public void filterCollisions(int operationType, Bundle target, Collection<Bundle> collisionCandidates) {
        Long old = installing.get();
        if (operationType == CollisionHook.INSTALLING && old != null) {
            collisionCandidates.removeIf(b -> b.getBundleId() == old);
        }
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return this;
    }

    @Override
    public void filterResolvable(Collection<BundleRevision> candidates) {
        // all may resolve
    }

    @Override
    public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisions) {
        long id = singleton.getRevision().getBundle().getBundleId();
        collisions.removeIf(c -> paired(id, c.getRevision().getBundle().getBundleId()));
    }

    @Override
    public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
        long id = requirement.getRevision().getBundle().getBundleId();
        Long old = pairs.get(id);
        Set<Long> avoid = shunned.getOrDefault(id, Set.of());
        if (old != null || !avoid.isEmpty()) {
            candidates.removeIf(c -> {
                long provider = c.getRevision().getBundle().getBundleId();
                return (old != null && provider == old) || avoid.contains(provider);
            });
        }
    }

    /** Forgets a bundle being uninstalled, as the new bundle of a pair and as one to avoid. */
    void forget(long id) {
        pairs.keySet().removeIf(k -> k == id);
        pairs.values().removeIf(v -> v == id);
        shunned.remove(id);
        shunned.values().forEach(s -> s.remove(id));
        shunned.values().removeIf(Set::isEmpty);
    }

    private boolean paired(long a, long b) {
        Long ofA = pairs.get(a);
        Long ofB = pairs.get(b);
        return (ofA != null && ofA == b) || (ofB != null && ofB == a);
    }

    @Override
    public void end() {
        // nothing held
    }
}
