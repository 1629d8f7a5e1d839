package org.kmod4j.commands;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.kmod4j.api.Errno;
import org.kmod4j.shell.CommandErrors;

/**
 * Gogo's default command ({@code *:default}): what runs when a command name is unknown. Gogo
 * would throw its CommandNotFoundException, which the console prints with its class name; this
 * says {@code command not found: lsmdo}, suggests the nearest command ({@code did you mean
 * lsmod?}), and fails with ENOENT (exit status 1 in scripts).
 */
public final class CommandNotFound {

    /** Gogo's variable listing every command as {@code scope:name}. */
    private static final String COMMANDS = ".commands";

    @Descriptor("what an unknown command runs: says so, with the nearest command name")
    public void _default(CommandSession session, Object... words) {
        String name = words.length == 0 ? "" : String.valueOf(words[0]);
        String suggestion = suggest(name, commandNames(session));
        throw CommandErrors.fail(session, Errno.ENOENT, "command not found: " + name
                + (suggestion == null ? "" : "\ndid you mean " + suggestion + "?"));
    }

    /** The command names without their scope, kmod's first when two scopes share a name. */
    static Set<String> commandNames(CommandSession session) {
        Set<String> names = new TreeSet<>(Help.KMOD.keySet());
        Object commands = session == null ? null : session.get(COMMANDS);
        if (commands instanceof Collection) {
            for (Object command : (Collection<?>) commands) {
                String s = String.valueOf(command);
                String bare = s.substring(s.indexOf(':') + 1);
                if (!bare.startsWith("_") && !bare.equals("default")) {
                    names.add(bare);
                }
            }
        }
        return names;
    }

    /**
     * The nearest name by edit distance (a swap of two neighbours counts as one edit, as in
     * {@code lsmdo}), at most 2 edits and fewer than half the word; kmod's commands win ties.
     */
    static String suggest(String word, Set<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int limit = Math.min(2, Math.max(1, (word.length() - 1) / 2));
        for (String name : names) {
            int d = distance(word.toLowerCase(), name.toLowerCase());
            boolean better = d < bestDistance || (d == bestDistance && Help.KMOD.containsKey(name)
                    && !Help.KMOD.containsKey(best));
            if (d <= limit && better) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
