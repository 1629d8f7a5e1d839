package org.kmod4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses OSGi manifest header syntax (Core spec 3.2.4): clauses separated by commas, each a path
 * followed by {@code ;name=value} attributes or {@code ;name:=value} directives, values optionally
 * double-quoted. The container is a framework extension and cannot import bnd's parser, and the
 * framework's own is internal to Felix, so this small one reads the module headers.
 */
final class HeaderClauses {

    /** One clause: its path and its attributes (directives are kept with a trailing ':'). */
    static final class Clause {
        final String path;
        final Map<String, String> attributes;

        Clause(String path, Map<String, String> attributes) {
            this.path = path;
            this.attributes = Collections.unmodifiableMap(attributes);
        }

        String attribute(String name) {
            return attributes.get(name);
        }
    }

    private final String text;
    private int pos;

    private HeaderClauses(String text) {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException with the position of the syntax error
     */
    static List<Clause> parse(String header) {
        List<Clause> clauses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return clauses;
        }
        HeaderClauses p = new HeaderClauses(header);
        do {
            clauses.add(p.clause());
        } while (p.consume(','));
        p.skipSpace();
        if (p.pos != p.text.length()) {
            throw p.error("unexpected '" + p.text.charAt(p.pos) + "'");
        }
        return clauses;
    }

    private Clause clause() {
        String path = path();
        if (path.isEmpty()) {
            throw error("empty clause");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        while (consume(';')) {
            String key = token();
            if (key.isEmpty()) {
                throw error("missing attribute name");
            }
            boolean directive = consume(':');
            if (!consume('=')) {
                throw error("expected '=' after '" + key + "'");
            }
            String value = value();
            if (attrs.put(directive ? key + ":" : key, value) != null) {
                throw error("duplicate attribute '" + key + "'");
            }
        }
        return new Clause(path, attrs);
    }

    private String token() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && ",;=:\"".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    /**
     * A clause's path: unlike an attribute name it may hold ':' (a kmod alias such as
     * {@code pci:v00008086d*}), except the ':=' that starts a directive.
     */
    private String path() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && ",;=\"".indexOf(text.charAt(pos)) < 0
                && !(text.charAt(pos) == ':' && pos + 1 < text.length() && text.charAt(pos + 1) == '=')) {
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    private String value() {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == '"') {
            StringBuilder b = new StringBuilder();
            pos++;
            while (pos < text.length() && text.charAt(pos) != '"') {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    c = text.charAt(pos++);
                }
                b.append(c);
            }
            if (pos >= text.length()) {
                throw error("unterminated quoted string");
            }
            pos++;
            return b.toString();
        }
        int start = pos;
        while (pos < text.length() && ",;".indexOf(text.charAt(pos)) < 0) {
            if (text.charAt(pos) == '"') {
                throw error("quote inside an unquoted value");
            }
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    private boolean consume(char c) {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at position " + pos);
    }
}
