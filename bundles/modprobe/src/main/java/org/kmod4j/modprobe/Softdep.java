package org.kmod4j.modprobe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A module's soft dependencies, the {@code Module-Softdep} header in kmod's {@code softdep}
 * syntax: {@code pre: a b post: c}. Names before any {@code pre:}/{@code post:} marker are
 * ignored, as kmod does.
 */
final class Softdep {
    static final Softdep NONE = new Softdep(List.of(), List.of());

    final List<String> pre;
    final List<String> post;

    Softdep(List<String> pre, List<String> post) {
        this.pre = Collections.unmodifiableList(new ArrayList<>(pre));
        this.post = Collections.unmodifiableList(new ArrayList<>(post));
    }

    static Softdep parse(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        List<String> current = null;
        for (String token : header.trim().split("[\\s,]+")) {
            String rest = token;
            if (token.startsWith("pre:")) {
                current = pre;
                rest = token.substring(4);
            } else if (token.startsWith("post:")) {
                current = post;
                rest = token.substring(5);
            }
            if (!rest.isEmpty() && current != null && !current.contains(rest)) {
                current.add(rest);
            }
        }
        return new Softdep(pre, post);
    }

    boolean isEmpty() {
        return pre.isEmpty() && post.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!pre.isEmpty()) {
            sb.append("pre: ").append(String.join(" ", pre));
        }
        if (!post.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : " ").append("post: ").append(String.join(" ", post));
        }
        return sb.toString();
    }
}
