package org.kmod4j.core;

import java.time.Duration;
import java.util.Optional;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleEvent;
import org.kmod4j.api.Taint;

/** One event of the {@link KernelLog}: immutable once published. */
public final class KernelEvent implements ModuleEvent {
    private final long sequence;
    private final long nanos;
    private final Draft d;

    KernelEvent(long sequence, long nanos, Draft draft) {
        this.sequence = sequence;
        this.nanos = nanos;
        this.d = draft;
    }

    /** The fields of an event before the log numbers and stamps it. */
    public static final class Draft {
        final Type type;
        final Level level;
        final String text;
        String module;
        Errno errno;
        Taint taint;
        long durationNanos;
        long gracePeriodNanos;
        long exitNanos;

        public Draft(Type type, Level level, String text) {
            this.type = type;
            this.level = level;
            this.text = text;
        }

        public Draft module(String name) {
            this.module = name;
            return this;
        }

        public Draft errno(Errno code) {
            this.errno = code;
            return this;
        }

        public Draft taint(Taint t) {
            this.taint = t;
            return this;
        }

        public Draft duration(long nanos) {
            this.durationNanos = nanos;
            return this;
        }

        public Draft unload(long gracePeriod, long exit) {
            this.gracePeriodNanos = gracePeriod;
            this.exitNanos = exit;
            return this;
        }
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public Type type() {
        return d.type;
    }

    @Override
    public Level level() {
        return d.level;
    }

    @Override
    public String text() {
        return d.text;
    }

    @Override
    public Optional<String> module() {
        return Optional.ofNullable(d.module);
    }

    @Override
    public Optional<Errno> errno() {
        return Optional.ofNullable(d.errno);
    }

    @Override
    public Optional<Taint> taint() {
        return Optional.ofNullable(d.taint);
    }

    @Override
    public Duration duration() {
        return Duration.ofNanos(d.durationNanos);
    }

    @Override
    public Duration gracePeriod() {
        return Duration.ofNanos(d.gracePeriodNanos);
    }

    @Override
    public Duration exit() {
        return Duration.ofNanos(d.exitNanos);
    }

    @Override
    public String dmesgLine() {
        return String.format("[%5d.%06d] %s", nanos / 1_000_000_000L, (nanos / 1_000L) % 1_000_000L, d.text);
    }

    /** The dmesg line. */
    @Override
    public String toString() {
        return dmesgLine();
    }
}
