package io.hostlet.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostlet.plan.PulledImage;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * hostlet's record of the images it pulled itself, by reference, kept in a small JSON file so that ownership and
 * the garbage-collection grace survive restarts. Only images in this record may ever be removed.
 *
 * <p>Written whole to a temporary file beside it, forced to disk and renamed over it, so a crash leaves the old or
 * the new record, never half of one. A record that cannot be read is treated as empty (hostlet then owns fewer
 * images than it pulled: the safe direction) and logged; one that cannot be written is kept in memory and logged.
 *
 * <p>Thread-safe: pulls run in parallel.
 */
public final class PulledImages {

    private static final Logger LOG = Logger.getLogger(PulledImages.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    private final Path file;
    private final Map<String, PulledImage> byReference = new LinkedHashMap<>();
    private String lastWriteProblem;

    /** The record in {@code stateDir} for {@code instance}, read now. */
    public PulledImages(Path stateDir, String instance) {
        this.file = stateDir.resolve("pulled-images-" + instance.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
        load();
    }

    public Path file() {
        return file;
    }

    /** The record now, sorted by reference. */
    public synchronized List<PulledImage> list() {
        return byReference.values().stream().sorted(Comparator.comparing(PulledImage::reference)).toList();
    }

    /**
     * hostlet pulled {@code reference}: recorded when the pull brought an image that was not there under this
     * reference before ({@code beforeId} null or another id). Re-pulling an image someone else put here, unchanged,
     * does not make it hostlet's.
     */
    public synchronized void pulled(String reference, String beforeId, String afterId, Instant now) {
        if (afterId == null || afterId.equals(beforeId)) {
            return;
        }
        byReference.put(reference, new PulledImage(reference, afterId, now, null));
        save();
    }

    /** hostlet removed {@code reference}: it is no longer hostlet's to remember. */
    public synchronized void removed(String reference) {
        if (byReference.remove(reference) != null) {
            save();
        }
    }

    /** The engine refused to remove {@code reference} (still in use): its grace starts again at {@code now}. */
    public synchronized void refused(String reference, Instant now) {
        PulledImage p = byReference.get(reference);
        if (p != null) {
            byReference.put(reference, p.unwantedSince(now));
            save();
        }
    }

    /** Replaces the record by {@code tracked} (see {@link io.hostlet.plan.ImageGc#track}); writes only on change. */
    public synchronized void replace(List<PulledImage> tracked) {
        Map<String, PulledImage> next = new LinkedHashMap<>();
        tracked.forEach(p -> next.put(p.reference(), p));
        if (!next.equals(byReference)) {
            byReference.clear();
            byReference.putAll(next);
            save();
        }
    }

    private void load() {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            for (JsonNode n : root.path("images")) {
                String ref = n.path("reference").asText(null);
                String id = n.path("imageId").asText(null);
                if (ref == null || id == null) {
                    continue;
                }
                byReference.put(ref, new PulledImage(ref, id, instant(n.get("pulledAt")), instant(n.get("unwantedSince"))));
            }
        } catch (NoSuchFileException e) {
            // nothing pulled yet
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the record of pulled images %s (%s); starting with an empty one, so no image pulled"
                    + " before is garbage-collected", file, e.getMessage());
            byReference.clear();
        }
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asText());
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ArrayNode images = root.putArray("images");
        for (PulledImage p : list()) {
            ObjectNode n = images.addObject();
            n.put("reference", p.reference());
            n.put("imageId", p.imageId());
            n.put("pulledAt", p.pulledAt() == null ? null : p.pulledAt().toString());
            n.put("unwantedSince", p.unwantedSince() == null ? null : p.unwantedSince().toString());
        }
        try {
            DurableFile.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            lastWriteProblem = null;
        } catch (IOException e) {
            if (!e.toString().equals(lastWriteProblem)) {
                LOG.warnf("cannot write the record of pulled images %s: %s (kept in memory)", file, e);
                lastWriteProblem = e.toString();
            }
        }
    }
}
