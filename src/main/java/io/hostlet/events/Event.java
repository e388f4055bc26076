package io.hostlet.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One thing that happened on the host, as the API, the stream and notifications show it.
 *
 * @param seq     the position in the {@link EventLog}: increasing, never reused while hostlet runs; 0 before it is
 *                appended
 * @param time    when the pass that saw it planned
 * @param kind    what happened
 * @param name    the container, network or image it is about; null for the host (engine, manifest files)
 * @param message one line for a person; never a secret (names, images, exit codes and causes only, no env value, no
 *                registry credential)
 * @param details machine-readable facts by kind (e.g. {@code code}, {@code digest}, {@code fields}, {@code file});
 *                values are strings, numbers, booleans or lists of strings
 */
public record Event(long seq, Instant time, EventKind kind, String name, String message, Map<String, Object> details) {

    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    public Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        // one line, whatever a cause or an engine message held
        message = message.replaceAll("[\\r\\n]+", " ").strip();
        // belt and braces: an engine message may quote a registry URL with its credentials in it
        message = USERINFO.matcher(message).replaceAll("$1<redacted>@");
        // insertion order kept (a Map.copyOf would shuffle the JSON), nulls allowed for "unknown"
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** An event not yet appended to a log. */
    public static Event of(Instant time, EventKind kind, String name, String message, Map<String, Object> details) {
        return new Event(0, time, kind, name, message, details);
    }

    /** The same event at position {@code n} of a log. */
    public Event withSeq(long n) {
        return new Event(n, time, kind, name, message, details);
    }

    /** Whether a person should look at it: a {@link EventKind#warning()} kind, or an exit with a non-zero code. */
    public boolean warning() {
        if (kind == EventKind.EXITED) {
            return !Integer.valueOf(0).equals(details.get("code"));
        }
        return kind.warning();
    }

    /** The log line: {@code crash-loop web: keeps exiting; last exit code 3}. */
    public String line() {
        return kind.wire() + (name == null ? "" : " " + name) + ": " + message;
    }
}
