package org.kmod4j.modprobe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.osgi.resource.Wiring;
import org.osgi.service.resolver.HostedCapability;
import org.osgi.service.resolver.ResolveContext;

/**
 * What the Felix resolver resolves modprobe's request against: the mandatory resources are the
 * index entries asked for; providers are the installed, resolved bundles first (their current
 * revisions, whose wirings are reused, so a loaded module is never loaded again), then the index.
 * Index entries that duplicate an installed bundle (same module name or same identity) are left
 * out. Modelled on felix-dev's test ResolveContextImpl.
 */
final class KmodResolveContext extends ResolveContext {
    private final Collection<Resource> mandatory;
    private final Map<Resource, Wiring> wirings = new HashMap<>();
    private final Map<String, List<Capability>> installed = new HashMap<>();
    private final Map<String, List<Capability>> indexed = new HashMap<>();
    private final Map<String, Filter> filters = new ConcurrentHashMap<>();

    /**
     * @param mandatory the resources to resolve
     * @param bundles the installed bundles' current wirings
     * @param index the index resources that may be loaded
     */
    KmodResolveContext(Collection<Resource> mandatory, Collection<BundleWiring> bundles, Collection<Resource> index) {
        this.mandatory = List.copyOf(mandatory);
        for (BundleWiring w : bundles) {
            BundleRevision rev = w.getRevision();
            wirings.put(rev, w);
            for (Capability c : rev.getCapabilities(null)) {
                installed.computeIfAbsent(c.getNamespace(), k -> new ArrayList<>()).add(c);
            }
        }
        for (Resource r : index) {
            for (Capability c : r.getCapabilities(null)) {
                indexed.computeIfAbsent(c.getNamespace(), k -> new ArrayList<>()).add(c);
            }
        }
    }

    @Override
    public Collection<Resource> getMandatoryResources() {
        return mandatory;
    }

    @Override
    public List<Capability> findProviders(Requirement requirement) {
        List<Capability> out = new ArrayList<>();
        String ns = requirement.getNamespace();
        add(out, installed.get(ns), requirement);
        add(out, indexed.get(ns), requirement);
        return out;
    }

    private void add(List<Capability> out, List<Capability> candidates, Requirement requirement) {
        if (candidates == null) {
            return;
        }
        for (Capability c : candidates) {
            if (matches(requirement, c)) {
                out.add(c);
            }
        }
    }

    boolean matches(Requirement requirement, Capability capability) {
        if (!requirement.getNamespace().equals(capability.getNamespace())) {
            return false;
        }
        String filter = requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
        if (filter == null) {
            return true;
        }
        Filter f = filters.computeIfAbsent(filter, s -> {
            try {
                return FrameworkUtil.createFilter(s);
            } catch (InvalidSyntaxException e) {
                return null;
            }
        });
        if (f == null || !f.matches(capability.getAttributes())) {
            return false;
        }
        // mandatory attributes of a capability must be named by the filter (osgi.wiring.package)
        String mandatoryAttrs = capability.getDirectives().get("mandatory");
        if (mandatoryAttrs != null) {
            for (String a : mandatoryAttrs.split(",")) {
                if (!filter.contains("(" + a.trim() + "=") && !filter.contains("(" + a.trim() + ">")
                        && !filter.contains("(" + a.trim() + "<") && !filter.contains("(" + a.trim() + "~")) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int insertHostedCapability(List<Capability> capabilities, HostedCapability hostedCapability) {
        capabilities.add(0, hostedCapability);
        return 0;
    }

    @Override
    public boolean isEffective(Requirement requirement) {
        String effective = requirement.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
        return effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective);
    }

    @Override
    public Map<Resource, Wiring> getWirings() {
        return wirings;
    }

    /** The identity ("bsn version") of a resource, or null. */
    static String identity(Resource r) {
        for (Capability c : r.getCapabilities(IdentityNamespace.IDENTITY_NAMESPACE)) {
            return c.getAttributes().get(IdentityNamespace.IDENTITY_NAMESPACE) + " "
                    + c.getAttributes().get(IdentityNamespace.CAPABILITY_VERSION_ATTRIBUTE);
        }
        return null;
    }
}
