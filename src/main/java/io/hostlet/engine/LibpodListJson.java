package io.hostlet.engine;

import io.hostlet.observed.ObservedContainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of containers from Podman's own list ({@code GET /libpod/containers/json}), whose {@code Status} is the
 * health ("healthy", "unhealthy", "starting"; empty without a check), because its Docker-compatible list has none.
 */
final class LibpodListJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LibpodListJson() {
    }

    /** Container id to health, for the containers with a check. */
    static Map<String, ObservedContainer.Health> health(InputStream body) throws IOException {
        Map<String, ObservedContainer.Health> out = new HashMap<>();
        for (JsonNode c : JSON.readTree(body)) {
            ObservedContainer.Health h = ContainerListJson.health(c.path("Status").asText(""));
            if (h != ObservedContainer.Health.NONE) {
                out.put(c.path("Id").asText(), h);
            }
        }
        return out;
    }

    /** {@code listed} with each container's health from {@code health} where it has one. */
    static List<ObservedContainer> withHealth(List<ObservedContainer> listed, Map<String, ObservedContainer.Health> health) {
        List<ObservedContainer> out = new ArrayList<>(listed.size());
        for (ObservedContainer c : listed) {
            ObservedContainer.Health h = health.get(c.id());
            out.add(h == null ? c : c.withHealth(h));
        }
        return out;
    }
}
