package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;

/** Small renderings shared by the client commands: missing values, ages, events, JSON as indented text. */
final class Text {

    private Text() {
    }

    /**
     * {@code s} with every character a terminal could act on written out instead: C0 and C1 controls, DEL (so no
     * escape sequence from a file name, message or container name moves the cursor, recolours or retitles the
     * terminal, or hides text) as {@code \x1b}, and the bidirectional overrides and isolates (which reorder what is
     * shown) as {@code \u202e}. A line break is written out too: one value, one line.
     */
    static String printable(String s) {
        return printable(s, false);
    }

    private static String printable(String s, boolean keepLineBreaks) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' && keepLineBreaks) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            boolean bidi = (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
                    || c == '\u200f' || c == '\u061c';
            if (Character.isISOControl(c) || bidi) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * A copy of {@code n} with every string (values and keys) made {@link #printable}, line breaks kept (a plan's
     * text has one step a line; {@link #field} writes them out in a table cell): what a text rendering reads.
     */
    static JsonNode printable(JsonNode n) {
        if (n.isTextual()) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(printable(n.asText(), true));
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory
                    .instance.arrayNode();
            n.forEach(v -> a.add(printable(v)));
            return a;
        }
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory
                    .instance.objectNode();
            n.fields().forEachRemaining(f -> o.set(printable(f.getKey()), printable(f.getValue())));
            return o;
        }
        return n;
    }

    /** The field as text, or {@code -} when absent or null. */
    static String field(JsonNode n, String name) {
        JsonNode v = n.path(name);
        return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? "-" : printable(v.asText());
    }

    /** The time since {@code since} as kubectl prints ages ({@code 42s}, {@code 5m}, {@code 3h}, {@code 2d}); {@code -} if unknown. */
    static String age(String since, Instant now) {
        if (since == null || since.isEmpty() || since.equals("-")) {
            return "-";
        }
        Instant at;
        try {
            at = Instant.parse(since);
        } catch (DateTimeParseException e) {
            return "-";
        }
        long s = Math.max(0, Duration.between(at, now).toSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    /** One event as one line: time, kind, name, message. */
    static String event(JsonNode e) {
        return String.format("%-24s %-14s %-20s %s", field(e, "time"), field(e, "kind"), field(e, "name"),
                e.path("message").asText(""));
    }

    /** A JSON value as indented {@code key: value} lines (YAML-like), for describe. */
    static void indented(JsonNode n, String indent, StringBuilder out) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode v = f.getValue();
                if (v.isContainerNode() && !v.isEmpty()) {
                    out.append(indent).append(f.getKey()).append(":\n");
                    indented(v, indent + "  ", out);
                } else {
                    out.append(indent).append(f.getKey()).append(": ").append(scalar(v)).append('\n');
                }
            }
        } else if (n.isArray()) {
            for (JsonNode v : n) {
                if (v.isContainerNode() && !v.isEmpty()) {
                    out.append(indent).append("-\n");
                    indented(v, indent + "  ", out);
                } else {
                    out.append(indent).append("- ").append(scalar(v)).append('\n');
                }
            }
        } else {
            out.append(indent).append(scalar(n)).append('\n');
        }
    }

    private static String scalar(JsonNode v) {
        if (v.isNull() || v.isMissingNode()) {
            return "-";
        }
        if (v.isContainerNode()) {
            return v.isArray() ? "[]" : "{}";
        }
        return v.asText();
    }
}
