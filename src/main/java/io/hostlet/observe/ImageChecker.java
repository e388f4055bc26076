package io.hostlet.observe;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.LocalImage;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.PullPolicy;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Checks the images whose pull policy is {@code Always} (containers' and Image manifests') against their registry, once per {@code interval} per
 * image (and again right after hostlet pulled one), so that a moved tag is noticed at the next resync without
 * pulling: the registry's digest through the engine's distribution endpoint, and the local image's digests.
 * Checks of several images run in parallel on the executor's (bounded) pool. An image whose registry cannot
 * be asked has no check: nothing is pulled or recreated for it, and running containers are left alone.
 *
 * <p>Used by the reconcile thread only.
 */
public final class ImageChecker {

    private static final Logger LOG = Logger.getLogger(ImageChecker.class);

    private record Checked(Instant at, ImageCheck check) {}

    private final Engine engine;
    private final Duration interval;
    private final ExecutorService pool;
    private final Map<String, Checked> checked = new HashMap<>();
    /** The last problem logged per image, so a registry that stays down is logged once, not every interval. */
    private final Map<String, String> lastProblem = new ConcurrentHashMap<>();

    public ImageChecker(Engine engine, Duration interval, ExecutorService pool) {
        this.engine = engine;
        this.interval = interval;
        this.pool = pool;
    }

    /** The current checks of {@code desired}'s Always images (of containers and Image manifests), refreshing those due. */
    public Map<String, ImageCheck> checks(DesiredState desired, Instant now) throws InterruptedException {
        Set<String> images = new TreeSet<>();
        for (ContainerManifest m : desired.containers().values()) {
            if (m.spec().imagePullPolicy() == PullPolicy.Always) {
                images.add(m.spec().image());
            }
        }
        for (ImageManifest m : desired.images().values()) {
            if (m.imagePullPolicy() == PullPolicy.Always) {
                images.add(m.image());
            }
        }
        checked.keySet().retainAll(images);
        lastProblem.keySet().retainAll(images);
        List<String> due = images.stream()
                .filter(i -> !checked.containsKey(i) || !now.isBefore(checked.get(i).at().plus(interval))).toList();
        List<Future<ImageCheck>> futures = new ArrayList<>();
        for (String image : due) {
            futures.add(pool.submit(() -> check(image)));
        }
        for (int i = 0; i < due.size(); i++) {
            String image = due.get(i);
            ImageCheck c;
            try {
                c = futures.get(i).get();
            } catch (ExecutionException e) {
                c = null;
            }
            // A failed check is retried at the next interval too, not at every event-driven pass.
            checked.put(image, new Checked(now, c));
        }
        Map<String, ImageCheck> out = new HashMap<>();
        checked.forEach((image, c) -> {
            if (c.check() != null) {
                out.put(image, c.check());
            }
        });
        return out;
    }

    /** Checks {@code image} again at the next pass (after hostlet pulled it). */
    public void invalidate(String image) {
        checked.remove(image);
    }

    private ImageCheck check(String image) {
        try {
            String digest = engine.registryDigest(image);
            LocalImage local = engine.localImage(image);
            String repo = repository(image);
            boolean current = local != null && local.repoDigests().contains(repo + "@" + digest);
            lastProblem.remove(image);
            return new ImageCheck(image, digest, local == null ? null : local.id(), current);
        } catch (EngineException e) {
            if (!e.getMessage().equals(lastProblem.put(image, e.getMessage()))) {
                LOG.warnf("cannot check %s against its registry: %s", image, e.getMessage());
            }
            return null;
        }
    }

    /** The reference without tag or digest, as the engine writes it in repo digests ({@code host:5000/app}). */
    public static String repository(String image) {
        int at = image.indexOf('@');
        String s = at >= 0 ? image.substring(0, at) : image;
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            s = s.substring(0, colon);
        }
        // Hub images appear as "busybox@sha256:..." for official ones in RepoDigests; keep the reference's form.
        return s;
    }
}
