package org.kmod4j.framework;

import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/** Which requirements a module cannot load without. */
final class Requirements {

    private Requirements() {
    }

    /**
     * Mandatory: not {@code resolution:=optional}, not a DynamicImport-Package entry
     * ({@code resolution:=dynamic}, wired later if at all) and effective at resolve time.
     */
    static boolean mandatory(Requirement r) {
        String resolution = r.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE);
        String effective = r.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
        return !Namespace.RESOLUTION_OPTIONAL.equals(resolution)
                && !PackageNamespace.RESOLUTION_DYNAMIC.equals(resolution)
                && (effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective));
    }
}
