package org.kmod4j.api;

/** A reference on a module from {@link Module#get()}; closing it puts the reference once. */
public interface ModuleRef extends AutoCloseable {

    /** The module the reference is held on. */
    Module module();

    /** Puts the reference; a second close does nothing. */
    @Override
    void close();
}
