package org.kmod4j.core;

/** Names of the manifest headers a module jar carries. */
final class ModuleHeaders {
    static final String NAME = "Module-Name";
    static final String INIT = "Module-Init";
    static final String PARAMETERS = "Module-Parameters";
    static final String DESCRIPTION = "Module-Description";
    static final String AUTHOR = "Module-Author";
    static final String LICENSE = "Module-License";
    static final String ALIAS = "Module-Alias";
    static final String SOFTDEP = "Module-Softdep";
    static final String PERMANENT = "Module-Permanent";

    private ModuleHeaders() {
    }
}
