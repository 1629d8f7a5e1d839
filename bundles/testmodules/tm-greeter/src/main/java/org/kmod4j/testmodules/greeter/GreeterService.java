package org.kmod4j.testmodules.greeter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The greeting service. {@link #FREED} stands for the module's resources: exit (and the
 * Bundle-Activator's stop) set it, and a call that finds it set on entry or on return answers
 * {@link #ERROR}, so a call that ran during or after teardown is visible to the caller. Each load
 * of the module has its own class loader and so its own flag.
 */
public final class GreeterService implements Function<String, String> {
    /** What a call answers when it ran (partly) after exit. */
    public static final String ERROR = "ERROR: called after exit";

    static final AtomicBoolean FREED = new AtomicBoolean();

    @Override
    public String apply(String who) {
        if (FREED.get()) {
            return ERROR;
        }
        // a little work, so that a call has a duration a teardown can overlap
        int h = 17;
        for (int i = 0; i < 64; i++) {
            h = 31 * h + who.hashCode() + i;
        }
        String greeting = "hello " + who + " from " + GreeterModule.NAME + (h == 42 ? "!" : "");
        if (FREED.get()) {
            return ERROR;
        }
        return greeting;
    }
}
