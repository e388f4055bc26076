package io.hostlet.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How a notification's body looks ({@code hostlet.notify.format}); pure, so each format is unit-tested. */
public enum NotifyFormat {
    /** The event's JSON, as {@code /api/v1/events} shows it. */
    JSON,
    /** ntfy.sh: the message as plain text, with {@code Title}, {@code Tags} and {@code Priority} headers. */
    NTFY,
    /** A Slack (or Mattermost, Rocket.Chat) incoming webhook: {@code {"text": "..."}}. */
    SLACK;

    /** What to POST: the content type, extra headers and the body. */
    public record Payload(String contentType, Map<String, String> headers, String body) {
        public Payload {
            headers = Map.copyOf(headers);
        }
    }

    /** The format named {@code s} (case ignored). */
    public static NotifyFormat of(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hostlet.notify.format must be json, ntfy or slack, not '" + s + "'");
        }
    }

    /** The request for {@code e}; {@code json} writes JSON as the API does. */
    public Payload render(Event e, ObjectMapper json) {
        return switch (this) {
            case JSON -> new Payload("application/json", Map.of(), write(json, e));
            case NTFY -> {
                Map<String, String> h = new LinkedHashMap<>();
                h.put("Title", ascii(title(e)));
                h.put("Tags", (e.warning() ? "warning," : "") + e.kind().wire());
                h.put("Priority", e.warning() ? "high" : "default");
                yield new Payload("text/plain; charset=utf-8", h, e.message());
            }
            case SLACK -> new Payload("application/json", Map.of(),
                    write(json, Map.of("text", (e.warning() ? ":warning: " : "") + title(e) + ": " + e.message())));
        };
    }

    /** {@code hostlet crash-loop: web}. */
    static String title(Event e) {
        return "hostlet " + e.kind().wire() + (e.name() == null ? "" : ": " + e.name());
    }

    /** HTTP headers carry ASCII; names and kinds are, anything else is replaced. */
    private static String ascii(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String write(ObjectMapper json, Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
