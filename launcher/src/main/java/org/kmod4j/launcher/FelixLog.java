package org.kmod4j.launcher;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Felix's log (framework property {@code felix.log.logger}, level warning): prints errors and
 * warnings in one line each, and remembers the last failure per bundle. Felix reports a failed
 * framework-extension activator only here ("Unable to start Extension Activator"), so this is
 * how the launcher learns why the container did not start (e.g. its state directory is locked
 * by another container).
 */
final class FelixLog extends Logger {

    /** The container extension's symbolic name: the launcher reports its failures itself. */
    static final String CONTAINER = "org.kmod4j.container";

    private final PrintStream err;
    private final ConcurrentMap<Long, Throwable> failures = new ConcurrentHashMap<>();

    FelixLog(PrintStream err) {
        this.err = err;
        setLogLevel(LOG_WARNING);
    }

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        if (bundle != null && throwable != null) {
            failures.put(bundle.getBundleId(), throwable);
        }
        if (level > LOG_WARNING || (bundle != null && throwable != null && CONTAINER.equals(bundle.getSymbolicName()))) {
            return;
        }
        StringBuilder line = new StringBuilder("felix: ").append(level == LOG_ERROR ? "ERROR: " : "WARNING: ");
        if (bundle != null) {
            line.append(bundle.getSymbolicName()).append(": ");
        }
        line.append(msg);
        if (throwable != null) {
            line.append(": ").append(rootCause(throwable).getMessage());
        }
        err.println(line);
    }

    /** The last failure Felix logged for this bundle, as its root cause. */
    Optional<Throwable> failure(Bundle bundle) {
        return Optional.ofNullable(failures.get(bundle.getBundleId())).map(FelixLog::rootCause);
    }

    static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
