package io.hostlet.execute;

import io.hostlet.recorder.PulledImages;

import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.Labels;
import io.hostlet.observed.LocalImage;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.LabelKey;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.manifest.SpecLabel;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a plan and reports what became of each step. It makes no decisions: everything was decided by the
 * planner. Networks are created first, then image pulls run in parallel (at most {@code pullParallelism} at once,
 * counting the pulls container creates make), then container steps run in parallel (bounded, one task per
 * container so a container's own steps keep their order), then image removals, then unused networks go.
 *
 * <p>Keeps hostlet's record of the images it pulled: a pull that brought an image the reference did not name before
 * is recorded; a removal forgets it; a removal the engine refuses restarts its grace.
 *
 * <p>Never leaves half-made objects: a container that was created but would not start is removed again.
 */
public final class Executor {

    private static final Logger LOG = Logger.getLogger(Executor.class);

    private final Engine engine;
    private final String instance;
    private final ExecutorService pool;
    private final ExecutorService pullPool;
    /** Bounds every pull, also those a container create makes on a container thread. */
    private final Semaphore pullSlots;
    private final PulledImages pulled;
    private final Clock clock;
    /** Keys the digests in the {@code io.hostlet.spec} label; see {@link SpecLabel}. */
    private final LabelKey labelKey;

    /**
     * @param pool            runs container steps ({@code hostlet.parallelism} threads)
     * @param pullPool        runs pull steps ({@code hostlet.images.pull-parallelism} threads)
     * @param pullParallelism the most pulls at once, whichever thread makes them
     * @param pulled          the record of images hostlet pulled, updated after pulls and removals
     * @param labelKey        the host's key for the digests in spec labels
     */
    public Executor(Engine engine, String instance, ExecutorService pool, ExecutorService pullPool, int pullParallelism,
             PulledImages pulled, Clock clock, LabelKey labelKey) {
        this.engine = engine;
        this.instance = instance;
        this.pool = pool;
        this.pullPool = pullPool;
        this.pullSlots = new Semaphore(pullParallelism);
        this.pulled = pulled;
        this.clock = clock;
        this.labelKey = labelKey;
    }

    /** Runs {@code plan}; new containers are labelled with {@code revision} when it is not null. */
    public List<Outcome> run(Plan plan, String revision) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        Set<String> failedNetworks = new HashSet<>();
        Map<String, List<Step>> byContainer = new LinkedHashMap<>();
        List<Step> networkRemovals = new ArrayList<>();
        List<Step.PullImage> imagePulls = new ArrayList<>();
        List<Step.RemoveImage> imageRemovals = new ArrayList<>();
        for (Step s : plan.actions()) {
            if (s instanceof Step.CreateNetwork n) {
                Outcome o = attempt(s, () -> {
                    try {
                        engine.createNetwork(n.name(), Labels.ownership(instance));
                    } catch (EngineException e) {
                        throw e.kind() != EngineException.Kind.CONFLICT ? e : new EngineException(e.kind(),
                                "a network named " + n.name() + " exists and is not managed by hostlet; it is left alone", e);
                    }
                    LOG.infof("created network %s (%s)", n.name(), n.cause());
                });
                if (!o.ok()) {
                    failedNetworks.add(n.name());
                }
                outcomes.add(o);
            } else if (s instanceof Step.RemoveNetwork) {
                networkRemovals.add(s);
            } else if (s instanceof Step.PullImage) {
                imagePulls.add((Step.PullImage) s);
            } else if (s instanceof Step.RemoveImage) {
                imageRemovals.add((Step.RemoveImage) s);
            } else {
                byContainer.computeIfAbsent(s.target(), t -> new ArrayList<>()).add(s);
            }
        }

        // Image pulls run in parallel (bounded by the pull pool) before container steps; a container step that needs
        // the same image this pass waits for that pull instead of pulling again, and fails with its error.
        Map<String, CompletableFuture<Void>> pulls = new ConcurrentHashMap<>();
        List<Future<Outcome>> pullTasks = new ArrayList<>();
        for (Step.PullImage p : imagePulls) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            pulls.put(p.image(), done);
            pullTasks.add(pullPool.submit(() -> {
                Outcome o = attempt(p, () -> {
                    pull(p.image());
                    LOG.infof("pulled %s (%s)", p.image(), p.cause());
                });
                if (o.ok()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(o.error());
                }
                return o;
            }));
        }
        for (Future<Outcome> t : pullTasks) {
            try {
                outcomes.add(t.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("image pull crashed", e.getCause());
            }
        }

        List<Future<List<Outcome>>> tasks = new ArrayList<>();
        for (List<Step> steps : byContainer.values()) {
            tasks.add(pool.submit(() -> {
                List<Outcome> out = new ArrayList<>();
                for (Step s : steps) {
                    out.add(attempt(s, () -> runContainerStep(s, revision, failedNetworks, pulls)));
                }
                return out;
            }));
        }
        for (Future<List<Outcome>> t : tasks) {
            try {
                outcomes.addAll(t.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("container step crashed", e.getCause());
            }
        }

        // After the container steps: a container removed in this pass no longer holds its image.
        for (Step.RemoveImage r : imageRemovals) {
            outcomes.add(attempt(r, () -> {
                try {
                    engine.removeImage(r.image(), r.imageId());
                } catch (EngineException e) {
                    if (e.kind() == EngineException.Kind.CONFLICT) {
                        pulled.refused(r.image(), clock.instant());
                    }
                    throw e;
                }
                pulled.removed(r.image());
                LOG.infof("removed image %s (%s)", r.image(), r.cause());
            }));
        }

        for (Step s : networkRemovals) {
            Step.RemoveNetwork r = (Step.RemoveNetwork) s;
            outcomes.add(attempt(s, () -> {
                engine.removeNetwork(r.id());
                LOG.infof("removed network %s (%s)", r.name(), r.cause());
            }));
        }
        return outcomes;
    }

    private void runContainerStep(Step s, String revision, Set<String> failedNetworks,
                                  Map<String, CompletableFuture<Void>> pulls) {
        if (s instanceof Step.CreateContainer c) {
            create(c.manifest(), c.specHash(), List.of(), revision, failedNetworks, pulls);
            LOG.infof("created %s (%s)", c.manifest().name(), c.cause());
        } else if (s instanceof Step.RecreateContainer r) {
            engine.stopContainer(r.oldId(), r.oldGrace());
            engine.removeContainer(r.oldId());
            create(r.manifest(), r.specHash(), r.carriedVolumes(), revision, failedNetworks, pulls);
            LOG.infof("recreated %s (%s)", r.manifest().name(), r.cause());
        } else if (s instanceof Step.StartContainer st) {
            engine.startContainer(st.id());
            LOG.infof("%s %s (%s)", st.restart() ? "restarted" : "started", st.name(), st.cause());
        } else if (s instanceof Step.RestartContainer rs) {
            engine.stopContainer(rs.id(), rs.grace());
            engine.startContainer(rs.id());
            LOG.infof("restarted %s (%s)", rs.name(), rs.cause());
        } else if (s instanceof Step.RemoveContainer rm) {
            engine.stopContainer(rm.id(), rm.grace());
            engine.removeContainer(rm.id());
            LOG.infof("removed %s (%s)", rm.name(), rm.cause());
        } else {
            throw new IllegalArgumentException("not a container step: " + s);
        }
    }

    private void create(ContainerManifest m, String hash, List<AnonymousVolume> carried, String revision,
                        Set<String> failedNetworks,
                        Map<String, CompletableFuture<Void>> pulls) {
        for (String net : m.spec().networks()) {
            if (failedNetworks.contains(net)) {
                throw new EngineException(EngineException.Kind.FAILED, "network " + net + " could not be created", null);
            }
        }
        PullPolicy policy = m.spec().imagePullPolicy();
        if (policy == PullPolicy.Always) {
            pullOnce(m.spec().image(), pulls);
        }
        String id;
        try {
            id = engine.createContainer(m, labels(m, hash, revision), carried);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.CONFLICT) {
                throw new EngineException(e.kind(), "the name " + m.name()
                        + " is taken by a container hostlet does not manage; it is left alone (remove or rename it,"
                        + " or rename the manifest)", e);
            }
            if (e.kind() != EngineException.Kind.IMAGE_MISSING) {
                throw e;
            }
            if (policy == PullPolicy.Never) {
                throw new EngineException(EngineException.Kind.IMAGE_MISSING,
                        "image " + m.spec().image() + " is not present and imagePullPolicy is Never", e);
            }
            pullOnce(m.spec().image(), pulls);
            id = engine.createContainer(m, labels(m, hash, revision), carried);
        }
        try {
            engine.startContainer(id);
        } catch (EngineException e) {
            try {
                engine.removeContainer(id);
            } catch (EngineException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Pulls each image at most once per plan, however many containers want it. */
    private void pullOnce(String image, Map<String, CompletableFuture<Void>> pulls) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> existing = pulls.putIfAbsent(image, mine);
        if (existing == null) {
            try {
                LOG.infof("pulling %s", image);
                pull(image);
                mine.complete(null);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
            return;
        }
        try {
            existing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.PULL_FAILED, "interrupted while pulling " + image, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof EngineException ee ? ee
                    : new EngineException(EngineException.Kind.PULL_FAILED, "pull of " + image + " failed", e.getCause());
        }
    }

    /** Pulls {@code image} in one of the pull slots, and records it when the pull brought a new image. */
    private void pull(String image) {
        LocalImage before = engine.localImage(image);
        try {
            pullSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.PULL_FAILED, "interrupted before pulling " + image, e);
        }
        try {
            engine.pullImage(image);
        } finally {
            pullSlots.release();
        }
        LocalImage after = engine.localImage(image);
        pulled.pulled(image, before == null ? null : before.id(), after == null ? null : after.id(), clock.instant());
    }

    private Map<String, String> labels(ContainerManifest m, String hash, String revision) {
        Map<String, String> labels = Labels.ownership(instance);
        labels.put(Labels.NAME, m.name());
        labels.put(Labels.SPEC_HASH, hash);
        labels.put(Labels.SPEC, SpecLabel.write(m, labelKey)); // never values: labels are public (see SpecLabel)
        labels.put(Labels.SOURCE, m.source().file());
        labels.put(Labels.STOP_GRACE, Long.toString(m.spec().stopGracePeriod().toSeconds()));
        if (revision != null) {
            labels.put(Labels.REVISION, revision);
        }
        if (!m.spec().dependsOn().isEmpty()) {
            labels.put(Labels.DEPENDS_ON, String.join(",", m.spec().dependsOn().stream().map(d -> d.name()).toList()));
        }
        return labels;
    }

    private static Outcome attempt(Step s, Runnable action) {
        try {
            action.run();
            return new Outcome(s, null);
        } catch (EngineException e) {
            LOG.warnf("%s %s failed: %s", s.action(), s.target(), e.getMessage());
            return new Outcome(s, e);
        }
    }
}
