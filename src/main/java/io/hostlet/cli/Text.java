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

    /** The field as text, or {@code -} when absent or null. */
    static String field(JsonNode n, String name) {
        JsonNode v = n.path(name);
        return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? "-" : v.asText();
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
