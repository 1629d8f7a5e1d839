package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code dmesg -w} has not printed yet. The container's log is a bounded ring that may
 * also be cleared, so positions mean nothing between two reads; the lines themselves (each
 * starts with its {@code [seconds.micros]} timestamp) do. A new snapshot is the previous one
 * minus lines dropped at its head (ring overflow) or all of them (clear), plus new lines at its
 * tail: the new lines are what follows the longest suffix of the previous snapshot that is a
 * prefix of the new one. Without such an overlap (cleared, or more new lines than the ring
 * holds) every line of the new snapshot is new.
 */
final class DmesgTail {

    private List<String> previous = List.of();

    /** The lines of {@code snapshot} not returned before, oldest first; remembers the snapshot. */
    List<String> next(List<String> snapshot) {
        List<String> current = new ArrayList<>(snapshot);
        int overlap = overlap(previous, current);
        previous = current;
        return current.subList(overlap, current.size());
    }

    /** The length of the longest suffix of {@code before} that is a prefix of {@code now}. */
    static int overlap(List<String> before, List<String> now) {
        if (now.isEmpty()) {
            return 0;
        }
        String first = now.get(0);
        int start = Math.max(0, before.size() - now.size());
        for (int i = start; i < before.size(); i++) {
            if (before.get(i).equals(first) && before.subList(i, before.size()).equals(now.subList(0, before.size() - i))) {
                return before.size() - i;
            }
        }
        return 0;
    }
}
