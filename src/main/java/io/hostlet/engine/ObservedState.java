package io.hostlet.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of what hostlet owns on the engine, taken once before deciding, so that planning makes no
 * engine calls.
 *
 * @param containers managed containers of this hostlet instance
 * @param networks   managed networks of this instance by name → id; empty when not listed
 * @param takenAt    when the snapshot was taken
 */
public record ObservedState(List<ObservedContainer> containers, Map<String, String> networks, Instant takenAt) {
    public ObservedState {
        containers = List.copyOf(containers);
        networks = Map.copyOf(networks);
    }
}
