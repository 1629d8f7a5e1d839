package org.kmod4j.api;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One entry of the container's event log (what dmesg prints), typed and numbered. Sequence
 * numbers start at 0 and grow by one per event for the life of the container, across
 * {@link ModuleContainer#clearDmesg()}: a reader that remembers the last number it saw can ask
 * for what came after ({@link ModuleContainer#events(long)}, {@link ModuleContainer#follow(long,
 * ModuleEventListener)}). The log is a bounded ring; the oldest events go first.
 */
@ProviderType
public interface ModuleEvent {

    /** What happened. */
    enum Type {
        /** Free text: container start, a module's own message, a warning, a notifier error. */
        MESSAGE,
        /** A module became LIVE; {@link #duration()} is the whole load (read, install, init). */
        LOAD,
        /** A module was unloaded; {@link #duration()} is the whole unload, with {@link #gracePeriod()} and {@link #exit()}. */
        UNLOAD,
        /** A module's init failed; {@link #errno()} is its code. */
        INIT_FAILURE,
        /** A COMING notifier vetoed a load; {@link #errno()} is its code. */
        NOTIFIER_VETO,
        /** Teardown of a module started waiting for the readers of its SRCU domains. */
        GRACE_PERIOD_START,
        /** That wait ended; {@link #duration()} is how long it took. */
        GRACE_PERIOD_END,
        /** A grace period has been waiting long; {@link #duration()} so far. */
        GRACE_PERIOD_STALL,
        /** The container (and maybe a module) was tainted; {@link #taint()} says how. */
        TAINT,
        /** An unloaded module's class loader is still reachable. */
        LEAK,
        /** A deploy folder loaded or unloaded a module, or refused a file. */
        DEPLOY,
        /**
         * A loaded module was replaced by a new instance without downtime ({@code insmod --replace});
         * {@link #duration()} is from the start of the replace until the new instance was LIVE. The
         * old instance's grace period and exit follow, as GRACE_PERIOD events.
         */
        REPLACE
    }

    /** Severity, as printk levels. */
    enum Level {
        ERR, WARNING, NOTICE, INFO,
        /** Not printed by dmesg (like {@code pr_debug}); delivered to listeners. */
        DEBUG
    }

    /** This event's number: one more than the previous event's. */
    long sequence();

    /** Nanoseconds since the container started, as dmesg's timestamp. */
    long nanos();

    Type type();

    Level level();

    /** The message, as dmesg prints it after the timestamp. */
    String text();

    /** The module the event is about, if any. */
    Optional<String> module();

    /** The error code of an INIT_FAILURE, NOTIFIER_VETO or failed DEPLOY. */
    Optional<Errno> errno();

    /** The taint a TAINT event added. */
    Optional<Taint> taint();

    /** How long the thing took (see {@link Type}); zero where nothing was timed. */
    Duration duration();

    /** UNLOAD: the wait for the module's readers (its grace period); zero otherwise. */
    Duration gracePeriod();

    /** UNLOAD: the module's exit; zero otherwise. */
    Duration exit();

    /** {@code [seconds.micros] text}, as dmesg prints it. */
    String dmesgLine();
}
