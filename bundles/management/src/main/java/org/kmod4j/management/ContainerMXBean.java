package org.kmod4j.management;

import java.util.Map;

/** The kmod4j container over JMX: {@code org.kmod4j:type=Container}. */
public interface ContainerMXBean {

    /** The container's taint letters in Linux's order (e.g. {@code "RW"}), empty if not tainted. */
    String getTaints();

    /** How many modules are formed (loading, live or unloading). */
    int getModuleCount();

    /** kmod's lsmod table: {@code Module Size Used by}, one row per module. */
    String lsmod();

    /** The kernel-style event log, oldest line first. */
    String[] dmesg();

    /**
     * insmod: loads the module jar at {@code file} (an absolute path) with {@code key=value}
     * parameters. A failure is an IllegalStateException whose message is the errno name, then
     * kmod's line: {@code ENOEXEC: insmod: ERROR: could not insert module ...}.
     *
     * @return the module's name
     */
    String insmod(String file, String[] parameters);

    /** rmmod NAME, or rmmod -f NAME with {@code force}; failures as {@link #insmod}'s. */
    void rmmod(String name, boolean force);

    /** modprobe NAME|ALIAS: loads it from the modules directory with its dependencies. @return the modules loaded */
    String[] modprobe(String nameOrAlias);

    /** modinfo NAME|FILE: the fields of a loaded module, or of a jar (an absolute path ending in .jar). */
    Map<String, String> modinfo(String nameOrFile);
}
