package io.hostlet.plan;

import java.time.Instant;

/**
 * A target that must not be tried before {@code notBefore}, as long as its spec is still {@code specHash}
 * (a changed manifest is tried at once). Keyed by {@link Step#target()}; {@code specHash} is the
 * {@link Step#gateHash()} of the step that failed.
 */
public record Backoff(String specHash, Instant notBefore, String reason) {

    /** Whether this backoff still holds for a target whose current spec hash is {@code hash}. */
    public boolean holds(String hash, Instant now) {
        return specHash.equals(hash) && now.isBefore(notBefore);
    }
}
