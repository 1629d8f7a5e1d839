package org.kmod4j.api;

/**
 * The manifest headers a module jar carries (written by the {@code org.kmod4j.api.annotation}
 * annotations, read by the container and by depmod), and the Gogo scope of the kmod commands.
 */
public final class ModuleHeaders {
    public static final String NAME = "Module-Name";
    public static final String INIT = "Module-Init";
    public static final String PARAMETERS = "Module-Parameters";
    public static final String DESCRIPTION = "Module-Description";
    public static final String AUTHOR = "Module-Author";
    public static final String LICENSE = "Module-License";
    public static final String ALIAS = "Module-Alias";
    public static final String SOFTDEP = "Module-Softdep";
    public static final String PERMANENT = "Module-Permanent";

    /** {@code osgi.command.scope} of lsmod, insmod, rmmod, modinfo, dmesg, modprobe, depmod. */
    public static final String COMMAND_SCOPE = "kmod";

    private ModuleHeaders() {
    }
}
