package org.kmod4j.management;

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
}
