package org.kmod4j.api;

/** How to replace a module: {@code insmod --replace [--cascade] FILE}. */
public final class ReplaceOptions {
    private static final ReplaceOptions DEFAULTS = new ReplaceOptions(false);

    private final boolean cascade;

    private ReplaceOptions(boolean cascade) {
        this.cascade = cascade;
    }

    /** The module alone: refused ("in use by: ...") while modules are wired to it. */
    public static ReplaceOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A copy that also replaces the modules wired to the module, and theirs, in dependency order
     * ({@code --cascade}): each holder is loaded again from the jar it was loaded from, with its
     * current parameters, and wired to the new instances.
     */
    public ReplaceOptions withCascade(boolean value) {
        return new ReplaceOptions(value);
    }

    /** Whether the holders are replaced too. */
    public boolean cascade() {
        return cascade;
    }
}
