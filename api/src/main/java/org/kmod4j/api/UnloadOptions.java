package org.kmod4j.api;

/** How to unload a module: {@code rmmod [-f] [--wait[=ms]] NAME}. */
public final class UnloadOptions {
    /** Wait used by {@code --wait} without a value, as modprobe's default. */
    public static final long DEFAULT_WAIT_MILLIS = 5_000;

    private final boolean force;
    private final long waitMillis;

    private UnloadOptions(boolean force, long waitMillis) {
        if (waitMillis < 0) {
            throw new ModuleException(Errno.EINVAL, "wait must not be negative: " + waitMillis);
        }
        this.force = force;
        this.waitMillis = waitMillis;
    }

    /** Not forced, no wait: plain {@code rmmod NAME}, EWOULDBLOCK at once while the module is in use. */
    public static UnloadOptions defaults() {
        return new UnloadOptions(false, 0);
    }

    /** Bypass references (not holders, not COMING/GOING); taints the container with R. */
    public UnloadOptions withForce(boolean value) {
        return new UnloadOptions(value, waitMillis);
    }

    /** Retry an EWOULDBLOCK for up to this long, with backoff, as {@code modprobe -r -w}. */
    public UnloadOptions withWaitMillis(long millis) {
        return new UnloadOptions(force, millis);
    }

    /** Whether references are bypassed ({@code rmmod -f}). */
    public boolean force() {
        return force;
    }

    /** How long an EWOULDBLOCK is retried, in ms; 0 for not at all. */
    public long waitMillis() {
        return waitMillis;
    }
}
