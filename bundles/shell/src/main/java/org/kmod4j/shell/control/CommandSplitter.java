package org.kmod4j.shell.control;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code -c} script into commands at top-level {@code ;} (and newlines), leaving
 * separators inside quotes, braces, brackets and parentheses alone, so every command's result
 * can be printed and a failure stops the script at that command.
 */
final class CommandSplitter {

    private CommandSplitter() {
    }

    static List<String> split(String script) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        int depth = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == '\\' && quote == '"' && i + 1 < script.length()) {
                    current.append(script.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\\':
                    current.append(c);
                    if (i + 1 < script.length()) {
                        current.append(script.charAt(++i));
                    }
                    break;
                case '\'':
                case '"':
                    quote = c;
                    current.append(c);
                    break;
                case '{':
                case '[':
                case '(':
                    depth++;
                    current.append(c);
                    break;
                case '}':
                case ']':
                case ')':
                    depth = Math.max(0, depth - 1);
                    current.append(c);
                    break;
                case ';':
                case '\n':
                    if (depth == 0) {
                        add(commands, current);
                    } else {
                        current.append(c);
                    }
                    break;
                default:
                    current.append(c);
            }
        }
        add(commands, current);
        return commands;
    }

    private static void add(List<String> commands, StringBuilder current) {
        String command = current.toString().strip();
        if (!command.isEmpty()) {
            commands.add(command);
        }
        current.setLength(0);
    }
}
