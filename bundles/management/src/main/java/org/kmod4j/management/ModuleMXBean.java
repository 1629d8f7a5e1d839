package org.kmod4j.management;

import java.util.Map;

/**
 * One loaded module over JMX: {@code org.kmod4j:type=Module,name=<module>}, registered when the
 * module becomes LIVE and unregistered when it is GOING. Every attribute is read from the module
 * when asked (lock-free reads), so it shows the state at that moment.
 */
public interface ModuleMXBean {

    /** The module name. */
    String getName();

    /** UNFORMED, COMING, LIVE or GOING. */
    String getState();

    /** References held (-1 while unloading), like {@code /sys/module/X/refcnt}. */
    int getRefcount();

    /** The modules that use this one ({@code /sys/module/X/holders}), sorted. */
    String[] getHolders();

    /** The modules this one uses, sorted. */
    String[] getUses();

    /** The parameter values the module was loaded with, defaults filled in. */
    Map<String, String> getParameters();

    /** Whether the module can never be unloaded. */
    boolean isPermanent();

    /** The module's taint letters (e.g. {@code "R"}), empty if none. */
    String getTaints();

    /** The bundle version. */
    String getVersion();

    /** The jar the module was loaded from. */
    String getFilename();

    /** The jar's size in bytes (lsmod's Size). */
    long getSize();

    /**
     * One entry per SRCU domain: {@code "<domain> gp=<grace periods> pending=<callbacks pending>
     * callbacks=<yes|no>"}.
     */
    String[] getSrcuDomains();
}
