package org.kmod4j.bench.probe;

/** A class each benchmark module (and each generated Felix bundle) has its own copy of. */
public final class Probe {
    public static int answer() {
        return 42;
    }
}
