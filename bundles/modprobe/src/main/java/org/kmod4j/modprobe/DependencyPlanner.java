package org.kmod4j.modprobe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.felix.resolver.Logger;
import org.apache.felix.resolver.ResolverImpl;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.osgi.resource.Wire;
import org.osgi.service.resolver.ResolutionException;

/**
 * modprobe's dependency closure: the Felix resolver over the installed bundles plus the
 * {@link ModuleIndex}, cut into layers that depend only on earlier ones (the modules of one
 * layer can load in parallel). Linux's modules.dep, computed on demand.
 */
final class DependencyPlanner {
    private final Modprobe.Environment env;

    DependencyPlanner(Modprobe.Environment env) {
        this.env = env;
    }

    /**
     * The modules to load for {@code target}, in layers: each layer depends only on earlier ones.
     *
     * @param ignoreLoaded compute as if no module were loaded (-D)
     * @throws ModuleException ENOENT naming the requirement nothing provides, ELOOP for a cycle
     */
    List<List<IndexEntry>> plan(ModuleIndex index, IndexEntry target, boolean ignoreLoaded) {
        Set<String> loadedNames = new HashSet<>();
        Set<Long> moduleBundles = new HashSet<>();
        for (Module m : env.container().modules()) {
            loadedNames.add(Fnmatch.normalizeName(m.name()));
            moduleBundles.add(m.bundle().getBundleId());
        }
        List<BundleWiring> wirings = new ArrayList<>();
        Set<String> identities = new HashSet<>();
        for (Bundle b : env.bundles()) {
            if (ignoreLoaded && moduleBundles.contains(b.getBundleId())) {
                continue;
            }
            if ((b.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) == 0) {
                continue;
            }
            BundleWiring w = b.adapt(BundleWiring.class);
            if (w != null && w.isCurrent()) {
                wirings.add(w);
                identities.add(KmodResolveContext.identity(w.getRevision()));
            }
        }
        Map<Resource, IndexEntry> candidates = new LinkedHashMap<>();
        for (IndexEntry e : index.entries) {
            boolean isTarget = e == target;
            if (!isTarget && !ignoreLoaded && loadedNames.contains(Fnmatch.normalizeName(e.name))) {
                continue;
            }
            if (!isTarget && identities.contains(KmodResolveContext.identity(e.resource))) {
                continue;
            }
            candidates.put(e.resource, e);
        }
        candidates.put(target.resource, target);
        KmodResolveContext ctx = new KmodResolveContext(List.of(target.resource), wirings, candidates.keySet());
        Map<Resource, List<Wire>> wires;
        try {
            wires = new ResolverImpl(new Logger(Logger.LOG_ERROR), 1).resolve(ctx);
        } catch (ResolutionException e) {
            throw unresolvable(target, e);
        }
        Map<IndexEntry, Set<IndexEntry>> deps = new LinkedHashMap<>();
        for (Map.Entry<Resource, List<Wire>> w : wires.entrySet()) {
            IndexEntry requirer = candidates.get(w.getKey());
            if (requirer == null || w.getKey() instanceof BundleRevision) {
                continue;
            }
            Set<IndexEntry> d = deps.computeIfAbsent(requirer, k -> new LinkedHashSet<>());
            for (Wire wire : w.getValue()) {
                IndexEntry provider = candidates.get(wire.getProvider());
                if (provider != null && provider != requirer) {
                    d.add(provider);
                }
            }
        }
        deps.computeIfAbsent(target, k -> new LinkedHashSet<>());
        // index order inside a layer, so plans are reproducible
        List<IndexEntry> nodes = new ArrayList<>();
        for (IndexEntry e : index.entries) {
            if (deps.containsKey(e)) {
                nodes.add(e);
            }
        }
        try {
            return TopoOrder.layers(nodes, deps::get);
        } catch (TopoOrder.CycleException e) {
            throw new ModuleException(Errno.ELOOP, "could not insert '" + target.name + "': dependency cycle among " + e.nodes);
        }
    }

    private static ModuleException unresolvable(IndexEntry target, ResolutionException e) {
        StringBuilder missing = new StringBuilder();
        Collection<Requirement> unresolved = e.getUnresolvedRequirements();
        if (unresolved != null) {
            for (Requirement r : unresolved) {
                missing.append(missing.length() == 0 ? "" : ", ").append(describe(r));
            }
        }
        String detail = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
        return new ModuleException(Errno.ENOENT, "could not insert '" + target.name + "': Unknown symbol in module"
                + (missing.length() == 0 ? "" : ": missing requirement " + missing) + " (" + detail + ")", e);
    }

    static String describe(Requirement r) {
        String filter = r.getDirectives().get("filter");
        return r.getNamespace() + (filter == null ? "" : "; " + filter);
    }
}
