package org.kmod4j.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** JFR: one module unload (its duration), with the grace period and the exit inside it. */
@Name("org.kmod4j.ModuleUnload")
@Label("Module Unload")
@Category("kmod4j")
@Description("A kmod4j module unloaded: GOING, grace period on its SRCU domains, exit, free")
public final class ModuleUnloadEvent extends jdk.jfr.Event {
    @Label("Module")
    String module;

    @Label("Forced")
    boolean forced;

    @Label("Grace Period")
    @Timespan(Timespan.NANOSECONDS)
    long gracePeriod;

    @Label("Exit")
    @Timespan(Timespan.NANOSECONDS)
    long exit;

    public void commit(String module, boolean forced, long gracePeriodNanos, long exitNanos) {
        if (shouldCommit()) {
            this.module = module;
            this.forced = forced;
            this.gracePeriod = gracePeriodNanos;
            this.exit = exitNanos;
            commit();
        }
    }
}
