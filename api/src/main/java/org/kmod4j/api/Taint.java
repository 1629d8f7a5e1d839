package org.kmod4j.api;

import java.util.Collection;

/** Taint flags of the container, with Linux's letters. */
public enum Taint {
    /** A module without an open-source license was loaded. */
    PROPRIETARY_MODULE('P'),
    /** A module was forcibly removed ({@code rmmod -f}). */
    FORCED_RMMOD('R'),
    /** The container issued a warning: a leak, a stray callback, a reference put below zero. */
    WARN('W'),
    /** An unsigned or untrusted module was loaded. */
    UNSIGNED_MODULE('E');

    private final char letter;

    Taint(char letter) {
        this.letter = letter;
    }

    /** The letter Linux prints for this taint, as in a {@code Tainted: R} line. */
    public char letter() {
        return letter;
    }

    /**
     * The letters of a set of taints in Linux's order (this enum's), e.g. {@code "RW"}; empty
     * if untainted. The form lsmod, modinfo and the oops report print.
     */
    public static String letters(Collection<Taint> taints) {
        StringBuilder letters = new StringBuilder();
        for (Taint t : values()) {
            if (taints.contains(t)) {
                letters.append(t.letter);
            }
        }
        return letters.toString();
    }
}
