package io.hostlet.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One managed container as the engine's list call shows it; nothing here needs a per-container inspect.
 *
 * @param exitCode the last exit code when {@code state} is EXITED or DEAD and the engine said it; else null
 */
public record ObservedContainer(
        String id,
        String name,
        String image,
        Map<String, String> labels,
        State state,
        Integer exitCode,
        Instant created,
        List<String> networks) {

    public ObservedContainer {
        labels = Map.copyOf(labels);
        networks = List.copyOf(networks);
    }

    /** The engine's container states. */
    public enum State { CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD, UNKNOWN }

    /** The manifest name hostlet gave it ({@code io.hostlet.name}). */
    public String managedName() {
        return labels.get(Labels.NAME);
    }

    /** The spec hash it was created with ({@code io.hostlet.spec-hash}). */
    public String specHash() {
        return labels.get(Labels.SPEC_HASH);
    }

    /** The manifest file it came from ({@code io.hostlet.source}). */
    public String source() {
        return labels.get(Labels.SOURCE);
    }
}
