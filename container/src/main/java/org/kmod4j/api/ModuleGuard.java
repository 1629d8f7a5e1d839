package org.kmod4j.api;

/**
 * An open read-side section on a module, from {@link Module#enter()}. Not tied to a thread:
 * it may be closed on another thread, but exactly once.
 */
public interface ModuleGuard extends AutoCloseable {

    Module module();

    @Override
    void close();
}
