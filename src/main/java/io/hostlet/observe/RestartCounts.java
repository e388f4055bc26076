package io.hostlet.observe;

import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine's restart count of each managed container ({@code RestartCount}, what its restart policy did), which
 * the list call does not carry. A container is inspected (one call) only when something may have moved the count:
 * it is new to hostlet, its state (a pause aside) or exit code in the listing changed, or an engine event was about it since
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

    /**
     * @param unstarted born while hostlet watched and listed only as created so far: its first start is no restart
     *                  either, so the listing or event that shows it started costs no inspect
     */
    private record Known(String key, int count, boolean unstarted) {
        Known(String key, int count) {
            this(key, count, false);
        }
    }

    private final Engine engine;
    /** When this hostlet started: a container created since is seen from its birth (see {@link #update}). */
    private final Instant startedAt;
    private final Map<String, Known> byId = new HashMap<>();
    private boolean pending;

    /** Inspects every container new to it (none is assumed to be seen from its birth). */
    public RestartCounts(Engine engine) {
        this(engine, Instant.MAX);
    }

    /**
     * A container first listed after {@code startedAt} and created since then counts 0 without an inspect: hostlet
     * (or whoever made it) started it, and every later restart by the engine is a {@code start} event, which is
     * inspected. Without this a cold converge of N containers cost N inspects on the loop's thread (N = 200: 31 s
     * became 57 s). Only restarts between a container's birth and its first listing go uncounted, until its next one.
     */
    public RestartCounts(Engine engine, Instant startedAt) {
        this.engine = engine;
        // The list call gives creation times in whole seconds.
        this.startedAt = startedAt.equals(Instant.MAX) ? startedAt : startedAt.truncatedTo(ChronoUnit.SECONDS);
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
            String key = key(c);
            Known k = byId.get(c.id());
            boolean born = k == null && c.created() != null && !c.created().isBefore(startedAt);
            if (born || k != null && k.unstarted()) {
                // born while hostlet watched: its own start event is no restart (nor is the first start of one that
                // was listed between its create and its start, as during a cold converge)
                k = new Known(key, born ? 0 : k.count(), c.state() == ObservedContainer.State.CREATED);
                next.put(c.id(), k);
                out.put(c.id(), k.count());
                continue;
            }
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

    /**
     * What the listing shows of a container that a restart would change. A pause freezes the processes without
     * stopping them, so paused and running are one key: pausing and unpausing a container costs no inspect.
     */
    static String key(ObservedContainer c) {
        ObservedContainer.State state = c.state() == ObservedContainer.State.PAUSED
                ? ObservedContainer.State.RUNNING : c.state();
        return state + "/" + c.exitCode();
    }

    /** Whether some containers could not be inspected in the last update and wait for the next pass. */
    public boolean pending() {
        return pending;
    }
}
