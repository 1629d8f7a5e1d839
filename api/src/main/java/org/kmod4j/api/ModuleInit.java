package org.kmod4j.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A module's {@code module_init}/{@code module_exit}: the class named by the
 * {@code Module-Init} header. The container calls {@link #init} while the module is
 * {@link ModuleState#COMING} (after the Bundle-Activator started) and {@link #exit} while it is
 * {@link ModuleState#GOING} (before the Bundle-Activator stops). The class needs a public
 * no-argument constructor.
 */
@ConsumerType
public interface ModuleInit {

    /**
     * Initialises the module. Throwing fails the load and leaves no trace of it: a
     * {@link ModuleException} with its own code, any other throwable with {@link Errno#EIO}.
     */
    void init(ModuleContext context) throws Exception;

    /** Tears the module down; a throwable is reported and the unload goes on. */
    default void exit(ModuleContext context) throws Exception {
    }
}
