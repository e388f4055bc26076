package io.hostlet.desired.git;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A bounded memory of the webhook deliveries already handled, so that a redelivery (a git host retries when our
 * answer was slow or lost; an attacker may replay a captured signed request) fetches nothing. Keyed by the id
 * each host puts on a delivery; a request without one is never a repeat. The oldest ids are forgotten first,
 * after {@link #CAPACITY}, so memory stays bounded whatever arrives.
 *
 * <p>Only authentic requests should be remembered: otherwise forged ids could evict real ones.
 */
final class DeliveryIds {

    /** The headers that name a delivery, first present wins. GitLab's {@code Idempotency-Key} stays the same on retries. */
    static final String[] HEADERS = {"X-GitHub-Delivery", "X-Gitea-Delivery", "X-Gogs-Delivery", "Idempotency-Key",
            "X-Gitlab-Event-UUID"};
    static final int CAPACITY = 1024;
    /** Real ids are UUIDs or short hex; a longer value is not remembered (it could only be an attempt to fill memory). */
    static final int MAX_ID_LENGTH = 128;

    private final Map<String, Boolean> seen = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The delivery id a request carries, if any usable one. */
    static Optional<String> of(Function<String, String> header) {
        for (String h : HEADERS) {
            String v = header.apply(h);
            if (v != null && !v.isBlank()) {
                String id = v.strip();
                return id.length() <= MAX_ID_LENGTH ? Optional.of(h.toLowerCase(java.util.Locale.ROOT) + ":" + id)
                        : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Records {@code id}; true when it was not seen before (among the last {@link #CAPACITY}). */
    synchronized boolean firstTime(String id) {
        return seen.put(id, Boolean.TRUE) == null;
    }

    synchronized int size() {
        return seen.size();
    }
}
