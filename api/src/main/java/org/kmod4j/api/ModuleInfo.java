package org.kmod4j.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** A module jar's metadata as read from its manifest, before (or without) loading it. */
@ProviderType
public interface ModuleInfo {

    /** The module name: {@code Module-Name}, else the Bundle-SymbolicName. */
    String name();

    /** The bundle version. */
    String version();

    /** The jar's path, as modinfo's {@code filename} field. */
    String filename();

    /** The jar's size in bytes. */
    long size();

    /** Whether the jar declares {@code Module-Permanent: true}. */
    boolean permanent();

    /** The declared parameters, in header order. */
    List<ParameterSpec> parameterSpecs();

    /**
     * Modinfo fields in display order: description, author, license, alias, softdep, depends
     * (name to values).
     */
    Map<String, List<String>> fields();
}
