package org.kmod4j.api;

import java.util.List;
import java.util.Map;

/** A module jar's metadata as read from its manifest, before (or without) loading it. */
public interface ModuleInfo {

    String name();

    String version();

    String filename();

    long size();

    boolean permanent();

    List<ParameterSpec> parameterSpecs();

    /**
     * Modinfo fields in display order: description, author, license, alias, softdep, depends
     * (name to values).
     */
    Map<String, List<String>> fields();
}
