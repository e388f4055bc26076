package io.hostlet.plan;

import java.time.Instant;
import java.util.Map;

/**
 * What the planner needs to know of updates besides the desired and observed state: the updates in progress (whose
 * gate it judges), the spec hashes refused after a rollback (not tried again until the manifest changes or an
 * operator asks), and the engine's restart count per container id (a restart fails the gate). Kept by the recorder,
 * which persists the first two in the state folder so that a restarted hostlet finishes or rolls back what it began.
 *
 * @param inProgress     by manifest name
 * @param refused        by manifest name
 * @param engineRestarts by container id; absent means none known
 */
public record Updates(Map<String, InProgress> inProgress, Map<String, Refusal> refused,
                      Map<String, Integer> engineRestarts) {

    /** Nothing in progress, nothing refused. */
    public static final Updates NONE = new Updates(Map.of(), Map.of(), Map.of());

    /**
     * How long a StartFirst update's old container serves on after it left the name's DNS, before its stop: a client
     * whose SYN or request crossed that moment retransmits within a second (the first SYN retransmit; twice that for
     * margin), and must still find it there. Two seconds more of the old one's life, not of the update's wait for the
     * new one.
     */
    public static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(2);

    public Updates {
        inProgress = Map.copyOf(inProgress);
        refused = Map.copyOf(refused);
        engineRestarts = Map.copyOf(engineRestarts);
    }

    /**
     * An update whose new container must pass the gate.
     *
     * @param name         the manifest name
     * @param newHash      the spec hash of the new container
     * @param previousHash the spec hash of the container it replaces (which is kept, stopped or running, until the
     *                     new one passed the gate, so a rollback brings back the very same container)
     * @param oldId        the container it replaces
     * @param startedAt    when the update's step was started
     * @param since        when the new container was started (the gate's clock); null when that was not recorded (a
     *                     crash between the two), then {@code startedAt} counts
     */
    public record InProgress(String name, String newHash, String previousHash, String oldId, Instant startedAt,
                             Instant since) {
        /** When the gate's clock started. */
        public Instant clock() {
            return since != null ? since : startedAt;
        }
    }

    /**
     * A spec that failed its gate and was rolled back: hostlet does not try it again while the manifest has this hash.
     *
     * @param failedHash the refused spec hash
     * @param reason     why the gate failed, for a person
     * @param at         when it was rolled back
     * @param revision   the source revision (git commit) of the refused spec; null for a plain folder
     */
    public record Refusal(String name, String failedHash, String reason, Instant at, String revision) {
    }
}
