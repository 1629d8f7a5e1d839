package org.kmod4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An open read-side section on a module, from {@link Module#enter()}. Not tied to a thread:
 * it may be closed on another thread, but exactly once.
 */
@ProviderType
public interface ModuleGuard extends AutoCloseable {

    /** The module this guard was opened on. */
    Module module();

    /** Leaves the guarded section; once the last guard is closed, a waiting unload goes on. */
    @Override
    void close();
}
