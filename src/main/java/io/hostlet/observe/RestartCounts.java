package io.hostlet.observe;

import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine's restart count of each managed container ({@code RestartCount}, what its restart policy did), which
 * the list call does not carry. A container is inspected (one call) only when something may have moved the count:
 * it is new to hostlet, its state or exit code in the listing changed, or an engine event was about it since
 * (a restart by the engine is a {@code die} and a {@code start}, which a listing made between them may not show).
 * A pass that changes nothing makes no call. While the event stream is down only listing changes are seen; the next
 * event-less restart is then counted at the container's next state change.
 *
 * <p>Bounded: at most {@link #MAX_PER_PASS} inspects per pass; the rest are {@link #pending() pending} for the next
 * pass. A failed inspect keeps the count known before and is retried next pass.
 *
 * <p>Used by the reconcile thread only.
 */
public final class RestartCounts {

    private static final Logger LOG = Logger.getLogger(RestartCounts.class);
    static final int MAX_PER_PASS = 32;

    private record Known(String key, int count) {}

    private final Engine engine;
    private final Map<String, Known> byId = new HashMap<>();
    private boolean pending;

    public RestartCounts(Engine engine) {
        this.engine = engine;
    }

    /**
     * The engine's restart count by container id for the containers of {@code observed}, inspecting those that may
     * have changed; {@code touched} are the ids engine events were about since the last call (null: the event stream
     * was not live, so only listing changes count).
     */
    public Map<String, Integer> update(ObservedState observed, Set<String> touched) {
        Map<String, Known> next = new HashMap<>();
        Map<String, Integer> out = new HashMap<>();
        int inspected = 0;
        pending = false;
        for (ObservedContainer c : observed.containers()) {
            String key = c.state() + "/" + c.exitCode();
            Known k = byId.get(c.id());
            boolean stale = k == null || !k.key().equals(key) || (touched != null && touched.contains(c.id()));
            if (stale && inspected < MAX_PER_PASS) {
                inspected++;
                try {
                    k = new Known(key, engine.inspect(c.id()).restartCount());
                } catch (EngineException e) {
                    LOG.debugf("restart count of %s: %s", c.name(), e.getMessage());
                    // keep what was known; an unchanged key would not retry, so forget the key
                    k = k == null ? null : new Known("?", k.count());
                    pending = true;
                }
            } else if (stale) {
                pending = true;
                k = k == null ? null : new Known("?", k.count()); // counted in a later pass
            }
            if (k != null) {
                next.put(c.id(), k);
                out.put(c.id(), k.count());
            }
        }
        byId.clear();
        byId.putAll(next);
        return out;
    }

    /** Whether some containers could not be inspected in the last update and wait for the next pass. */
    public boolean pending() {
        return pending;
    }
}
