package org.kmod4j.api;

/**
 * The four states of Linux's {@code enum module_state}, with the same transitions:
 * {@code UNFORMED → COMING → LIVE → GOING}, and {@code COMING → GOING} when init fails.
 */
public enum ModuleState {
    /** Installed, still being set up; invisible to name lookups, but its name is reserved. */
    UNFORMED("Loading", "unformed"),
    /** Fully formed, running its init; visible, but {@link Module#enter()} fails with EBUSY. */
    COMING("Loading", "coming"),
    /** Initialised and usable. */
    LIVE("Live", "live"),
    /** Being unloaded (or its init failed); new references and guarded entries fail. */
    GOING("Unloading", "going");

    private final String procName;
    private final String initstate;

    ModuleState(String procName, String initstate) {
        this.procName = procName;
        this.initstate = initstate;
    }

    /** The state as {@code /proc/modules} prints it: Live, Loading, Unloading. */
    public String procName() {
        return procName;
    }

    /** The state as {@code /sys/module/X/initstate} prints it: coming, live, going. */
    public String initstate() {
        return initstate;
    }
}
