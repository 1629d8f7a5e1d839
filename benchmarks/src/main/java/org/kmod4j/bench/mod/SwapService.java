package org.kmod4j.bench.mod;

import java.util.function.IntUnaryOperator;

/**
 * The service of the hot-swap module (copied into a generated bundle; the bundle defines its
 * own copy). A call does a little work; if its module was stopped before the call returned, it
 * reports that with {@link #STALE}: the call ran code of a module being torn down.
 */
public final class SwapService implements IntUnaryOperator {
    public static final int STALE = Integer.MIN_VALUE;
    volatile boolean stopped;

    @Override
    public int applyAsInt(int x) {
        if (stopped) {
            return STALE;
        }
        int h = x;
        for (int i = 0; i < 200; i++) {
            h = h * 31 + i;
        }
        if (stopped) {
            return STALE;
        }
        return h == STALE ? 0 : h;
    }
}
