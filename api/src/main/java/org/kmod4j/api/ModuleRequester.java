package org.kmod4j.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What {@link ModuleContainer#requestModule(String)} calls to find and load a module by name or
 * alias with its dependencies: modprobe. Register an implementation as an OSGi service; the one
 * with the highest {@code service.ranking} is used. The container merges concurrent requests for
 * the same name before they reach it.
 */
@ConsumerType
@FunctionalInterface
public interface ModuleRequester {

    /**
     * Loads the module(s) {@code nameOrAlias} names (an alias may match several) and what they
     * depend on; modules already loaded count as success.
     *
     * @return the modules the request named, loaded now or before
     * @throws ModuleException ENOENT if nothing matches or a requirement cannot be met, or the
     *     code a load failed with; nothing the request loaded is left behind on failure
     */
    List<Module> request(String nameOrAlias);
}
