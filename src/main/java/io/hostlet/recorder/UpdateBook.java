package io.hostlet.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostlet.plan.Updates;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * hostlet's record of updates, per manifest name, in {@code <state-dir>/updates-<instance>.json}: the updates in
 * progress (so a restarted hostlet judges their gate and finishes or rolls back what it began), the specs refused
 * after a rollback (so it does not try them again), and the last-known-good spec hash (the spec that last passed its
 * gate, or ran settled when seen). Hashes, ids, times, reasons and revisions only: no spec values, so no secret.
 *
 * <p>Written whole to a temporary file, forced and renamed over the record, so a crash leaves the old or the new
 * record. A record that cannot be read starts empty (logged): updates in progress then finish ungated, refusals are
 * forgotten, the safe direction for a host that must converge. One that cannot be written is kept in memory (logged).
 *
 * <p>Used by the reconcile thread only, except {@link #retry}, which is synchronized with the rest.
 */
public final class UpdateBook {

    private static final Logger LOG = Logger.getLogger(UpdateBook.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    private final Path file;
    private final Map<String, Updates.InProgress> inProgress = new TreeMap<>();
    private final Map<String, Updates.Refusal> refused = new TreeMap<>();
    private final Map<String, String> lastGood = new TreeMap<>();
    private String lastWriteProblem;

    /** The record in {@code stateDir} for {@code instance}, read now; {@code stateDir} null: in memory only. */
    public UpdateBook(Path stateDir, String instance) {
        this.file = stateDir == null ? null
                : stateDir.resolve("updates-" + instance.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
        load();
    }

    /** A record kept in memory only (tests). */
    public static UpdateBook inMemory() {
        return new UpdateBook(null, "");
    }

    public Path file() {
        return file;
    }

    /** What the planner needs, with the engine's restart counts by container id. */
    public synchronized Updates view(Map<String, Integer> engineRestarts) {
        return new Updates(inProgress, refused, engineRestarts);
    }

    /** The last-known-good spec hash of {@code name}; null when none is known. */
    public synchronized String lastGood(String name) {
        return lastGood.get(name);
    }

    /** An update of {@code u.name()} began: its gate is judged from now on; a refusal of that name is over. */
    public synchronized void began(Updates.InProgress u) {
        inProgress.put(u.name(), u);
        refused.remove(u.name());
        save();
    }

    /** The new container of {@code name}'s update was started at {@code at}: the gate's clock. */
    public synchronized void newStarted(String name, String newHash, Instant at) {
        Updates.InProgress u = inProgress.get(name);
        if (u != null && u.newHash().equals(newHash)) {
            inProgress.put(name, new Updates.InProgress(name, newHash, u.previousHash(), u.oldId(), u.startedAt(), at));
            save();
        }
    }

    /** {@code name}'s update to {@code hash} passed its gate: that spec is the last known good. */
    public synchronized void passed(String name, String hash) {
        inProgress.remove(name);
        lastGood.put(name, hash);
        save();
    }

    /** {@code name}'s update failed (its gate, or its create or start) and the old spec runs: the new one is refused. */
    public synchronized void rolledBack(Updates.Refusal r) {
        inProgress.remove(r.name());
        refused.put(r.name(), r);
        save();
    }

    /** An operator asks for {@code name}'s refused spec to be tried again; whether there was one. */
    public synchronized boolean retry(String name) {
        if (refused.remove(name) == null) {
            return false;
        }
        save();
        return true;
    }

    /**
     * {@code name} runs {@code hash}, settled, with no update in progress: that spec counts as good. Kept in memory and
     * written with the record's next change, not on its own: a restart needs nothing of it, and during a cold start
     * containers settle a few each pass, so the loop wrote and synced the whole record about once a second while the
     * engine was busiest with the disk.
     */
    public synchronized void settled(String name, String hash) {
        if (!inProgress.containsKey(name)) {
            lastGood.put(name, hash);
        }
    }

    /** Forgets every name not in {@code live}, so the record cannot grow without bound. */
    public synchronized void retain(Set<String> live) {
        boolean changed = inProgress.keySet().retainAll(live);
        changed |= refused.keySet().retainAll(live);
        changed |= lastGood.keySet().retainAll(live);
        if (changed) {
            save();
        }
    }

    private void load() {
        if (file == null) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            for (JsonNode n : root.path("inProgress")) {
                Updates.InProgress u = new Updates.InProgress(text(n, "name"), text(n, "newHash"),
                        text(n, "previousHash"), text(n, "oldId"), instant(n.get("startedAt")), instant(n.get("since")));
                if (u.name() != null && u.newHash() != null && u.oldId() != null && u.startedAt() != null) {
                    inProgress.put(u.name(), u);
                }
            }
            for (JsonNode n : root.path("refused")) {
                Updates.Refusal r = new Updates.Refusal(text(n, "name"), text(n, "failedHash"), text(n, "reason"),
                        instant(n.get("at")), text(n, "revision"));
                if (r.name() != null && r.failedHash() != null) {
                    refused.put(r.name(), r);
                }
            }
            root.path("lastGood").fields().forEachRemaining(e -> lastGood.put(e.getKey(), e.getValue().asText()));
        } catch (NoSuchFileException e) {
            // no update yet
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the record of updates %s (%s); starting with an empty one: updates in progress"
                    + " finish without their gate and refused specs are tried again", file, e.getMessage());
            inProgress.clear();
            refused.clear();
            lastGood.clear();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ArrayNode ups = root.putArray("inProgress");
        for (Updates.InProgress u : inProgress.values()) {
            ObjectNode n = ups.addObject();
            n.put("name", u.name());
            n.put("newHash", u.newHash());
            n.put("previousHash", u.previousHash());
            n.put("oldId", u.oldId());
            n.put("startedAt", u.startedAt().toString());
            n.put("since", u.since() == null ? null : u.since().toString());
        }
        ArrayNode refs = root.putArray("refused");
        for (Updates.Refusal r : refused.values()) {
            ObjectNode n = refs.addObject();
            n.put("name", r.name());
            n.put("failedHash", r.failedHash());
            n.put("reason", r.reason());
            n.put("at", r.at() == null ? null : r.at().toString());
            n.put("revision", r.revision());
        }
        ObjectNode good = root.putObject("lastGood");
        lastGood.forEach(good::put);
        try {
            DurableFile.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            lastWriteProblem = null;
        } catch (IOException e) {
            if (!e.toString().equals(lastWriteProblem)) {
                LOG.warnf("cannot write the record of updates %s: %s (kept in memory)", file, e);
                lastWriteProblem = e.toString();
            }
        }
    }
}
