package org.kmod4j.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * A loaded module: one bundle under the container's lifecycle. Reading any property takes no
 * lock. A {@code Module} object stays valid after its module is unloaded (its state then reads
 * {@link ModuleState#GOING} and every reference or guarded entry fails).
 */
@ProviderType
public interface Module {

    /** The module name: the {@code Module-Name} header, else the Bundle-SymbolicName. */
    String name();

    /** The current state; a volatile read. */
    ModuleState state();

    /** The bundle version as a string. */
    String version();

    /** The file the module was loaded from. */
    String filename();

    /** Size of the module's jar in bytes (lsmod's Size column). */
    long size();

    /** The bundle behind the module. */
    Bundle bundle();

    /** The subject of the certificate that signed the module's jar; empty if unsigned or unchecked. */
    String signer();

    /** Whether the module can never be unloaded. */
    boolean isPermanent();

    /**
     * References held through {@link #tryGet()} and by holders; -1 while unloading, like
     * Linux {@code module_refcount()}.
     */
    int refcount();

    /** Names of the modules that use this one ({@code /sys/module/X/holders}), sorted. */
    List<String> holders();

    /** Names of the modules this one uses (its wiring targets), sorted. */
    List<String> uses();

    /** The parameter values the module was loaded with, defaults filled in. */
    Map<String, String> parameters();

    /** The declared parameters, in the order of the Module-Parameters header (bnd sorts annotation-declared ones by name). */
    List<ParameterSpec> parameterSpecs();

    /** Manifest fields modinfo shows (description, author, license, alias ...). */
    Map<String, List<String>> info();

    /** Taints this module brought in (e.g. {@link Taint#FORCED_RMMOD} after a forced unload). */
    Set<Taint> taints();

    /**
     * Takes a reference if the module is not going: Linux {@code try_module_get}. Lock-free.
     *
     * @return whether a reference was taken; each {@code true} must be matched by {@link #put()}
     */
    boolean tryGet();

    /** Drops a reference taken by {@link #tryGet()}: Linux {@code module_put}. */
    void put();

    /**
     * Takes a reference as a closeable handle, for try-with-resources.
     *
     * @throws ModuleException ENOENT if the module is going or gone
     */
    ModuleRef get();

    /**
     * Enters a guarded section: a read-side section on the module's default SRCU domain plus a
     * LIVE check. While any guard is open the module's unload waits before calling its exit.
     *
     * @throws ModuleException EBUSY while the module is still COMING, ENOENT once GOING
     */
    ModuleGuard enter();

    /**
     * A proxy of {@code type} that calls {@code target} inside this module's guard: what
     * {@link Guarded#service(Module, Class, Object)} returns.
     *
     * @throws IllegalArgumentException if {@code type} is not a public interface
     */
    <T> T guarded(Class<T> type, T target);

    /** The module's default SRCU domain. */
    SrcuDomain domain();

    /** Every SRCU domain of the module by name, the default one included. */
    Map<String, SrcuDomain> domains();
}
