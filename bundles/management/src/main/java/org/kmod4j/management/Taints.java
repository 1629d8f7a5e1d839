package org.kmod4j.management;

import java.util.Collection;
import java.util.Comparator;

import org.kmod4j.api.Taint;

/** Taint flags as letters in Linux's order (the enum's order), e.g. {@code "RW"}. */
final class Taints {

    private Taints() {
    }

    static String letters(Collection<Taint> taints) {
        StringBuilder letters = new StringBuilder();
        taints.stream().sorted(Comparator.naturalOrder()).forEach(t -> letters.append(t.letter()));
        return letters.toString();
    }
}
