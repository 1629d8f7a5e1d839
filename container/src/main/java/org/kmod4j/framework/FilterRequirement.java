package org.kmod4j.framework;

import java.util.Map;

import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;

/** A requirement of no bundle: what FrameworkWiring.findProviders asks for a jar not installed. */
final class FilterRequirement implements Requirement {
    private final String namespace;
    private final Map<String, String> directives;

    FilterRequirement(String namespace, String filter) {
        this.namespace = namespace;
        this.directives = filter == null ? Map.of() : Map.of(Namespace.REQUIREMENT_FILTER_DIRECTIVE, filter);
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    @Override
    public Map<String, String> getDirectives() {
        return directives;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return Map.of();
    }

    @Override
    public Resource getResource() {
        return null;
    }
}
