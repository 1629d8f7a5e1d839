package org.kmod4j.api;

import org.osgi.annotation.versioning.ProviderType;

/** A reference on a module from {@link Module#get()}; closing it puts the reference once. */
@ProviderType
public interface ModuleRef extends AutoCloseable {

    /** The module the reference is held on. */
    Module module();

    /** Puts the reference; a second close does nothing. */
    @Override
    void close();
}
