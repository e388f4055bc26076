package io.hostlet.observe;

import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.CrashLookup;
import io.hostlet.observed.LastRun;
import io.hostlet.observed.ObservedContainer;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads crash-loop details from the engine: how the last run ended (one inspect) and, only when
 * {@code hostlet.status.log-tail} is on, the last lines of output (one logs call). Output is off by default: a
 * program may print anything, secrets included, and status is served to whoever reaches the API. A container's
 * details are read again only when the listing shows a change or {@link #REFRESH} passed, since a crash loop's own
 * events keep asking for passes (the engine's own restarts do not show in the list call while it stays
 * "restarting", hence the short interval). A failure to read keeps the details read before.
 *
 * <p>Used by the reconcile thread only.
 */
public final class CrashReader implements CrashLookup {

    private static final Logger LOG = Logger.getLogger(CrashReader.class);

    private record Fetched(String key, Instant at, Details details) {}

    private final Engine engine;
    private final boolean logTail;
    private final Map<String, Fetched> cache = new HashMap<>();

    /** @param logTail whether to read and show the last lines of a crash-looping container's output */
    public CrashReader(Engine engine, boolean logTail) {
        this.engine = engine;
        this.logTail = logTail;
    }

    @Override
    public Map<String, Details> crashDetails(Map<ObservedContainer, Integer> wanted, Instant now) {
        Map<String, Details> out = new LinkedHashMap<>();
        Map<String, Fetched> keep = new HashMap<>();
        for (Map.Entry<ObservedContainer, Integer> w : wanted.entrySet()) {
            Fetched f = fetch(w.getKey(), w.getValue(), now);
            if (f != null) {
                keep.put(w.getKey().id(), f);
                out.put(w.getKey().id(), f.details());
            }
        }
        cache.clear();
        cache.putAll(keep);
        return out;
    }

    private Fetched fetch(ObservedContainer c, int hostletRestarts, Instant now) {
        String key = c.state() + "/" + c.exitCode() + "/" + hostletRestarts;
        Fetched f = cache.get(c.id());
        if (f != null && f.key().equals(key) && now.isBefore(f.at().plus(REFRESH))) {
            return f;
        }
        try {
            LastRun run = engine.lastRun(c.id());
            List<String> tail = logTail ? engine.logTail(c.id(), LOG_LINES) : null;
            return new Fetched(key, now, new Details(run, tail));
        } catch (EngineException e) {
            LOG.debugf("crash details of %s: %s", c.name(), e.getMessage());
            return f; // the older details, if any, are better than none
        }
    }
}
