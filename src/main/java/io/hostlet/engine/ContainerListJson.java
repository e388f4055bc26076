package io.hostlet.engine;

import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.ObservedContainer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes the engine's container list ({@code GET /containers/json}) straight into {@link ObservedContainer}s.
 *
 * <p>Why not docker-java's own list command: it binds every field of every container (ports, mounts, the
 * network endpoints...) through a token buffer, and the profile of a no-op pass with 200 containers showed that
 * binding as a third of the pass's CPU. This streaming reader keeps only the fields hostlet uses and skips the
 * rest unread, so the cost is one pass over the bytes.
 */
final class ContainerListJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern EXIT_CODE = Pattern.compile("^(?:Exited|Restarting) \\((-?\\d+)\\)");
    /** The list call's status ends in "(healthy)", "(unhealthy)" or "(health: starting)" when there is a check. */
    private static final Pattern HEALTH = Pattern.compile("\\((healthy|unhealthy|health: starting)\\)$");

    private ContainerListJson() {
    }

    /** The containers in {@code body}, a JSON array as a Docker engine writes it. */
    static List<ObservedContainer> decode(InputStream body) throws IOException {
        return decode(body, EngineDialect.UNKNOWN);
    }

    /** The containers in {@code body}, a JSON array as the engine of {@code dialect} writes it. */
    static List<ObservedContainer> decode(InputStream body, EngineDialect dialect) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_ARRAY, p);
            List<ObservedContainer> out = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                out.add(container(p, dialect));
            }
            expect(p.currentToken(), JsonToken.END_ARRAY, p);
            return out;
        }
    }

    private static ObservedContainer container(JsonParser p, EngineDialect dialect) throws IOException {
        String id = null;
        String name = null;
        String image = null;
        String imageId = null;
        String state = null;
        String status = null;
        long created = 0;
        Map<String, String> labels = Map.of();
        List<String> networks = List.of();
        List<AnonymousVolume> anonymous = new ArrayList<>();
        List<String> binds = new ArrayList<>();
        ObservedContainer.Health structured = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "Id" -> id = p.getValueAsString();
                case "Names" -> name = firstName(p, value);
                case "Image" -> image = p.getValueAsString();
                case "ImageID" -> imageId = p.getValueAsString();
                case "State" -> state = p.getValueAsString();
                case "Status" -> status = p.getValueAsString();
                case "Created" -> created = p.getValueAsLong();
                case "Labels" -> labels = stringMap(p, value);
                case "NetworkSettings" -> networks = networkNames(p, value);
                case "Mounts" -> mounts(p, value, anonymous, binds);
                case "Health" -> structured = structuredHealth(p, value);
                default -> p.skipChildren();
            }
        }
        if (id == null) {
            throw new IOException("a container in the engine's list has no Id");
        }
        Integer exit = null;
        ObservedContainer.Health health = ObservedContainer.Health.NONE;
        if (status != null) {
            Matcher m = EXIT_CODE.matcher(status);
            if (m.find()) {
                exit = Integer.parseInt(m.group(1));
            }
            Matcher h = HEALTH.matcher(status.trim());
            if (h.find()) {
                health = health(h.group(1));
            }
        }
        if (structured != null) {
            health = structured; // API 1.52 (Docker 29): the field itself, not the words around it
        }
        return new ObservedContainer(id, name == null ? id : name, dialect.imageName(image), labels, state(state), exit,
                Instant.ofEpochSecond(created), networks, health, imageId, anonymous, binds);
    }

    /** A health status word ("healthy", "unhealthy", "starting" or "health: starting"); NONE for any other. */
    static ObservedContainer.Health health(String word) {
        return switch (word) {
            case "healthy" -> ObservedContainer.Health.HEALTHY;
            case "unhealthy" -> ObservedContainer.Health.UNHEALTHY;
            case "starting", "health: starting" -> ObservedContainer.Health.STARTING;
            default -> ObservedContainer.Health.NONE;
        };
    }

    /** API 1.52's {@code Health: {"Status": "healthy", "FailingStreak": 0}}; null when absent or without a status. */
    private static ObservedContainer.Health structuredHealth(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String s = stringMap(p, value).get("Status");
        return s == null || s.isEmpty() ? null : health(s);
    }

    /**
     * The mounts under {@code Mounts}: volumes the engine named (see {@link AnonymousVolume}) into {@code anonymous},
     * the host paths of bind mounts into {@code binds}.
     */
    private static void mounts(JsonParser p, JsonToken value, List<AnonymousVolume> anonymous, List<String> binds)
            throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<String, String> m = stringMap(p, JsonToken.START_OBJECT);
            if ("volume".equals(m.get("Type")) && AnonymousVolume.isEngineNamed(m.get("Name"))
                    && m.get("Destination") != null) {
                anonymous.add(new AnonymousVolume(m.get("Name"), m.get("Destination")));
            } else if ("bind".equals(m.get("Type")) && m.get("Source") != null) {
                binds.add(m.get("Source"));
            }
        }
    }

    /** The first of the container's names, without the engine's leading slash; null when there is none. */
    private static String firstName(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        String first = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (first == null && p.currentToken() == JsonToken.VALUE_STRING) {
                first = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return first == null ? null : first.startsWith("/") ? first.substring(1) : first;
    }

    private static Map<String, String> stringMap(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren(); // null
            return Map.of();
        }
        Map<String, String> m = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                m.put(key, p.getValueAsString());
            } else {
                p.skipChildren();
            }
        }
        return m;
    }

    /** The names of the networks under {@code NetworkSettings.Networks}. */
    private static List<String> networkNames(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return List.of();
        }
        List<String> names = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("Networks") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    names.add(p.currentName());
                    p.nextToken();
                    p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
        return names;
    }

    private static ObservedContainer.State state(String s) {
        if (s == null) {
            return ObservedContainer.State.UNKNOWN;
        }
        try {
            return ObservedContainer.State.valueOf(s.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return ObservedContainer.State.UNKNOWN;
        }
    }

    private static void expect(JsonToken actual, JsonToken wanted, JsonParser p) throws IOException {
        if (actual != wanted) {
            throw new IOException("unexpected " + actual + " in the engine's container list at " + p.currentLocation());
        }
    }
}
