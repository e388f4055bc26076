package io.hostlet.execute;

import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.LocalImage;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PullMode;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;

/**
 * Carries out a plan and reports what became of each step. It decides nothing: the planner chose the steps, their
 * phases and how each phase runs, the labels, the pull mode, and which steps need which others. The executor runs
 * the phases in order, each as its {@link Plan.Run} says, and fails without acting a step whose
 * {@link Step#needs() needs} failed earlier in this run.
 *
 * <p>It does not wait for long work (see {@link #start}): pulls and container steps run beside the loop, so a pull of
 * minutes for one image does not hold the restart of another container. What is running is {@link #inFlight()};
 * what finished waits in {@link #drainFinished()} for the loop to record. The planner plans nothing for a target in
 * flight, so a target never has two steps running.
 *
 * <p>Pulls are bounded to {@code pullParallelism} at once, counting the pulls container creates make; a create that
 * needs an image another step is pulling in this run waits for that pull instead of pulling again. Each image is
 * pulled at most once per run. The executor writes no record: outcomes carry what it saw (image ids before and after
 * each pull) for the recorder.
 *
 * <p>Never leaves half-made objects: a container that was created but would not start is removed again. A recreate
 * creates the replacement before it touches the old container and undoes the swap when the new one will not start
 * (see {@link Step.RecreateContainer}): the sequences and their undo are fixed, the steps carry every input.
 */
public final class Executor {

    private static final Logger LOG = Logger.getLogger(Executor.class);

    private final Engine engine;
    private final UnaryOperator<io.hostlet.manifest.ContainerManifest> beforeCreate;
    private final ExecutorService pool;
    private final ExecutorService pullPool;
    /** Bounds every pull, also those a container create makes on a container thread. */
    private final Semaphore pullSlots;
    /** Targets with started, unfinished steps (see {@link #inFlight()}). */
    private final Map<Target, Step> inFlight = new ConcurrentHashMap<>();
    /** Outcomes of started steps, until the loop drains them (see {@link #drainFinished()}). */
    private final Queue<Outcome> finishedOutcomes = new ConcurrentLinkedQueue<>();

    /**
     * @param pool            runs container steps ({@code hostlet.parallelism} threads)
     * @param pullPool        runs pull steps ({@code hostlet.images.pull-parallelism} threads)
     * @param pullParallelism the most pulls at once, whichever thread makes them
     */
    public Executor(Engine engine, ExecutorService pool, ExecutorService pullPool, int pullParallelism) {
        this(engine, pool, pullPool, pullParallelism, UnaryOperator.identity());
    }

    /**
     * @param beforeCreate the policy's check right before every create: the manifest as the engine must be given it
     *                     (bind paths resolved), or an {@link EngineException} that fails the step; a file read
     *                     minutes ago may meet a symlink planted since
     */
    public Executor(Engine engine, ExecutorService pool, ExecutorService pullPool, int pullParallelism,
                    UnaryOperator<io.hostlet.manifest.ContainerManifest> beforeCreate) {
        this.beforeCreate = beforeCreate;
        this.engine = engine;
        this.pool = pool;
        this.pullPool = pullPool;
        this.pullSlots = new Semaphore(pullParallelism);
    }

    /**
     * Runs {@code plan} and waits for all of it; one outcome per action, phase by phase. For tests and tools: the loop
     * uses {@link #start}.
     */
    public List<Outcome> run(Plan plan) throws InterruptedException {
        Started started = start(plan, () -> { });
        try {
            started.all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("step crashed", e.getCause());
        }
        List<Outcome> out = new ArrayList<>(started.done());
        List<Step> order = plan.actions();
        drainFinished().stream().sorted(java.util.Comparator.comparingInt(o -> order.indexOf(o.step())))
                .forEach(out::add); // phase by phase, as the plan has them
        return out;
    }

    /**
     * Starts {@code plan} and returns at once (the kubelet's pod workers): the network creates run here, in order,
     * since they are fast and creates need them; the pulls and each target's container steps (in their order) are
     * started on the pools, and the removal phases follow on a pool thread once this plan's pulls and container steps
     * have ended, keeping the phase order. Every started step's target is {@link #inFlight() in flight} until its
     * outcome is in {@link #drainFinished()}; then {@code finished} is called (on the worker's thread).
     */
    public Started start(Plan plan, Runnable finished) {
        Run run = new Run();
        List<Outcome> done = new ArrayList<>();
        List<Target> started = new ArrayList<>();
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        List<Step> after = new ArrayList<>();
        for (Plan.Phase phase : plan.phases()) {
            List<Step> actions = phase.steps().stream().filter(Step::isAction).toList();
            switch (phase.kind()) {
                case CREATE_NETWORKS -> done.addAll(inOrder(actions, run));
                case PULL_IMAGES, CONTAINERS -> {
                    ExecutorService threads = phase.kind() == Plan.Kind.PULL_IMAGES ? pullPool : pool;
                    List<List<Step>> groups = phase.run() == Plan.Run.PULLS
                            ? actions.stream().map(s -> List.of(s)).toList() : byTarget(actions);
                    for (List<Step> group : groups) {
                        Target t = claim(group.get(0));
                        started.add(t);
                        tasks.add(CompletableFuture.runAsync(() -> finish(t, inOrder(group, run), finished), threads));
                    }
                }
                case REMOVE_IMAGES, REMOVE_NETWORKS -> after.addAll(actions);
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new));
        if (!after.isEmpty()) {
            // Removals go after the containers that held what they remove: chained, not waited for.
            List<Target> removing = after.stream().map(this::claim).toList();
            started.addAll(removing);
            all = all.handle((v, e) -> null).thenRunAsync(() -> {
                List<Outcome> out = inOrder(after, run);
                drop(removing, out, finished);
            }, pool);
        }
        return new Started(done, started, all);
    }

    /**
     * What {@link #start} did: the outcomes of the steps it ran itself (network creates), the targets it started
     * work for, and the end of all of it (for tests and tools; the loop never waits for it).
     */
    public record Started(List<Outcome> done, List<Target> started, CompletableFuture<Void> all) {
        public Started {
            done = List.copyOf(done);
            started = List.copyOf(started);
        }
    }

    /** The targets with steps started and not yet finished, with the step that runs or waits to run for each. */
    public Map<Target, Step> inFlight() {
        return Map.copyOf(inFlight);
    }

    /** The outcomes of started steps that have finished since the last call, in the order they finished. */
    public List<Outcome> drainFinished() {
        List<Outcome> out = new ArrayList<>();
        for (Outcome o; (o = finishedOutcomes.poll()) != null; ) {
            out.add(o);
        }
        return out;
    }

    /** Marks {@code s}'s target in flight; the planner never plans a step for a target that is (see there). */
    private Target claim(Step s) {
        if (inFlight.putIfAbsent(s.target(), s) != null) {
            throw new IllegalStateException(s.target() + " already has a step in flight; the planner must wait for it");
        }
        return s.target();
    }

    private void finish(Target t, List<Outcome> out, Runnable finished) {
        drop(List.of(t), out, finished);
    }

    /**
     * The outcomes are queued before their targets leave the in-flight set: a pass that sees a target no longer in
     * flight finds its outcome to record. Then the loop is told.
     */
    private void drop(List<Target> targets, List<Outcome> out, Runnable finished) {
        finishedOutcomes.addAll(out);
        targets.forEach(inFlight::remove);
        finished.run();
    }

    /** What one run shares between its steps: the pulls made so far and the targets whose steps failed. */
    private static final class Run {
        final Map<String, CompletableFuture<Void>> pulls = new ConcurrentHashMap<>();
        final Map<Target, String> failed = new ConcurrentHashMap<>();
    }

    private List<Outcome> inOrder(List<Step> steps, Run run) {
        List<Outcome> out = new ArrayList<>();
        for (Step s : steps) {
            out.add(attempt(s, run));
        }
        return out;
    }

    private static List<List<Step>> byTarget(List<Step> steps) {
        Map<Target, List<Step>> groups = new LinkedHashMap<>();
        steps.forEach(s -> groups.computeIfAbsent(s.target(), t -> new ArrayList<>()).add(s));
        return List.copyOf(groups.values());
    }

    private Outcome attempt(Step s, Run run) {
        List<Outcome.Pull> pulls = new ArrayList<>();
        try {
            for (Target t : s.needs()) {
                String why = run.failed.get(t);
                if (why != null) {
                    throw new EngineException(EngineException.Kind.FAILED, "needs " + t + ", which failed: " + why, null);
                }
            }
            perform(s, run, pulls);
            return new Outcome(s, null, pulls);
        } catch (EngineException e) {
            LOG.warnf("%s %s failed: %s", s.action(), s.target(), e.getMessage());
            run.failed.put(s.target(), e.getMessage());
            return new Outcome(s, e, pulls);
        } catch (RuntimeException | Error e) { // a step runs beside the loop: whatever it throws becomes its outcome
            LOG.errorf(e, "%s %s crashed", s.action(), s.target());
            EngineException failed = new EngineException(EngineException.Kind.FAILED,
                    "step crashed: " + e.getClass().getSimpleName(), e);
            run.failed.put(s.target(), failed.getMessage());
            return new Outcome(s, failed, pulls);
        }
    }

    /** The engine calls of one step: the one place that tells steps apart. */
    private void perform(Step s, Run run, List<Outcome.Pull> pulls) {
        s.accept(new Perform(run, pulls));
    }

    /** The engine calls of each kind of step; a note ({@link Step#isAction()} false) has none and is not run. */
    private final class Perform implements Step.Visitor<Void> {
        private final Run run;
        private final List<Outcome.Pull> pulls;

        Perform(Run run, List<Outcome.Pull> pulls) {
            this.run = run;
            this.pulls = pulls;
        }

        @Override
        public Void visitCreateNetwork(Step.CreateNetwork n) {
            try {
                engine.createNetwork(n.name(), n.labels());
            } catch (EngineException e) {
                throw e.kind() != EngineException.Kind.CONFLICT ? e : new EngineException(e.kind(),
                        "a network named " + n.name() + " exists and is not managed by hostlet; it is left alone", e);
            }
            LOG.infof("created network %s (%s)", n.name(), n.cause());
            return null;
        }

        @Override
        public Void visitPullImage(Step.PullImage p) {
            pullOnce(p.image(), run, pulls);
            LOG.infof("pulled %s (%s)", p.image(), p.cause());
            return null;
        }

        @Override
        public Void visitCreateContainer(Step.CreateContainer c) {
            String id = create(c.container(), c.manifest().name(), run, pulls);
            startOrRemove(id);
            LOG.infof("created %s (%s)", c.manifest().name(), c.cause());
            return null;
        }

        @Override
        public Void visitRecreateContainer(Step.RecreateContainer r) {
            // The replacement exists before the old container is touched: a failed pull or create leaves it serving.
            String newId = create(r.container(), r.replacementName(), run, pulls);
            swap(r.oldId(), r.oldGrace(), newId, r.replacementName(), r.retiredName(), r.manifest().name(), !r.keepOld());
            // One line per step in the form "<verb> <name> (<cause>)", which people and PlanIT read; the note apart.
            LOG.infof("recreated %s (%s)", r.manifest().name(), r.cause());
            if (r.keepOld()) {
                LOG.infof("kept the old container of %s, stopped, until the new one passes its gate",
                        r.manifest().name());
            }
            return null;
        }

        @Override
        public Void visitStartBeside(Step.StartBeside b) {
            // Without the name's alias: no client reaches it before it passed its gate (FinishUpdate gives it then).
            String newId = create(b.container(), b.replacementName(), run, pulls, false);
            startOrRemove(newId);
            LOG.infof("started %s beside %s (%s); the old one serves until the new one passes its gate",
                    b.replacementName(), b.manifest().name(), b.cause());
            return null;
        }

        @Override
        public Void visitResumeReplacement(Step.ResumeReplacement rr) {
            swap(rr.oldId(), rr.oldGrace(), rr.newId(), rr.replacementName(), rr.retiredName(), rr.name(),
                    !rr.keepOld());
            LOG.infof("finished the replacement of %s (%s)", rr.name(), rr.cause());
            return null;
        }

        @Override
        public Void visitFinishUpdate(Step.FinishUpdate f) {
            for (String net : f.aliasNetworks()) {
                // the new one is not in the name's DNS yet, so its rejoin breaks nothing; the old one still answers
                engine.rejoinNetwork(f.newId(), net, List.of(f.name()));
            }
            if (f.retireOldTo() != null) {
                engine.renameContainer(f.oldId(), f.retireOldTo());
            }
            if (!f.newName().equals(f.name())) {
                engine.renameContainer(f.newId(), f.name());
            }
            if (f.oldId() != null) {
                for (String net : f.oldNetworks()) {
                    engine.rejoinNetwork(f.oldId(), net, List.of()); // out of the name's DNS, same address
                }
                if (!f.oldNetworks().isEmpty()) {
                    pause(f.drain());
                }
                engine.stopContainer(f.oldId(), f.oldGrace());
                engine.removeContainer(f.oldId());
            }
            LOG.infof("updated %s (%s)", f.name(), f.cause());
            return null;
        }

        @Override
        public Void visitRollBack(Step.RollBack rb) {
            if (rb.newId() != null) {
                engine.stopContainer(rb.newId(), rb.newGrace());
                engine.removeContainer(rb.newId());
            }
            if (rb.oldId() != null && rb.restoreOldFrom() != null) {
                engine.renameContainer(rb.oldId(), rb.name());
            }
            if (rb.oldId() != null && rb.startOld()) {
                engine.startContainer(rb.oldId());
            }
            LOG.warnf("rolled back %s (%s)", rb.name(), rb.cause());
            return null;
        }

        @Override
        public Void visitAdoptReplacement(Step.AdoptReplacement a) {
            engine.renameContainer(a.id(), a.name());
            if (a.start()) {
                engine.startContainer(a.id());
            }
            LOG.infof("renamed %s to %s (%s)", a.replacementName(), a.name(), a.cause());
            return null;
        }

        @Override
        public Void visitStartContainer(Step.StartContainer st) {
            engine.startContainer(st.id());
            LOG.infof("%s %s (%s)", st.restart() ? "restarted" : "started", st.name(), st.cause());
            return null;
        }

        @Override
        public Void visitRestartContainer(Step.RestartContainer rs) {
            engine.stopContainer(rs.id(), rs.grace());
            engine.startContainer(rs.id());
            LOG.infof("restarted %s (%s)", rs.name(), rs.cause());
            return null;
        }

        @Override
        public Void visitStopContainer(Step.StopContainer sc) {
            engine.stopContainer(sc.id(), sc.grace());
            LOG.infof("stopped %s (%s)", sc.name(), sc.cause());
            return null;
        }

        @Override
        public Void visitRemoveContainer(Step.RemoveContainer rm) {
            engine.stopContainer(rm.id(), rm.grace());
            engine.removeContainer(rm.id());
            LOG.infof("removed %s (%s)", rm.name(), rm.cause());
            return null;
        }

        @Override
        public Void visitRemoveImage(Step.RemoveImage r) {
            engine.removeImage(r.image(), r.imageId());
            LOG.infof("removed image %s (%s)", r.image(), r.cause());
            return null;
        }

        @Override
        public Void visitRemoveNetwork(Step.RemoveNetwork r) {
            engine.removeNetwork(r.id());
            LOG.infof("removed network %s (%s)", r.name(), r.cause());
            return null;
        }

        @Override
        public Void visitRolledBack(Step.RolledBack s) {
            throw new IllegalArgumentException("nothing to do for " + s);
        }

        @Override
        public Void visitHoldRemoval(Step.HoldRemoval s) {
            throw new IllegalArgumentException("nothing to do for " + s);
        }

        @Override
        public Void visitWait(Step.Wait s) {
            throw new IllegalArgumentException("nothing to do for " + s);
        }
    }

    /** Waits {@code d} (a drain the step carries); an interrupt ends the wait early, and is kept for the caller. */
    private static void pause(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The fixed second half of a replacement (see {@link Step.RecreateContainer}): stop the old, start the new, rename
     * the old out of the way and the new into the name, remove the old. The removal comes last because the name is
     * served from the second rename on, and a removal (the old one's layer) takes longer than two renames. Undo while
     * the old still has the name, and when the new one cannot take the name: the new is removed and the old started
     * again (under its name). After that there is nothing to undo: a failed removal leaves a leftover the next pass
     * recognises.
     */
    private void swap(String oldId, java.time.Duration oldGrace, String newId, String replacementName,
                      String retiredName, String name, boolean removeOld) {
        try {
            engine.stopContainer(oldId, oldGrace);
            engine.startContainer(newId);
        } catch (EngineException e) {
            EngineException failed = new EngineException(e.kind(), "the replacement " + replacementName
                    + " could not take over (" + e.getMessage() + "); it is removed and the old container runs again",
                    e);
            undo(failed, () -> engine.removeContainer(newId));
            undo(failed, () -> engine.startContainer(oldId));
            throw failed;
        }
        engine.renameContainer(oldId, retiredName);
        try {
            engine.renameContainer(newId, name);
        } catch (EngineException e) {
            // A new container that crashed at once cannot be renamed while the engine restarts it (RESTARTING, decided
            // by the adapter). It did not take over, as if it had not started: the name goes back to the old one,
            // which runs again, and the failure is the update's (rolled back, with this reason). A replacement gone
            // meanwhile is for the record of updates a replacement that failed too, not a gone object.
            boolean restarting = e.kind() == EngineException.Kind.RESTARTING;
            EngineException.Kind kind = restarting || e.kind() == EngineException.Kind.NOT_FOUND
                    ? EngineException.Kind.FAILED : e.kind();
            // Said in those words: the engine's own ("sandbox not found") reads like an engine fault, not like a
            // crashing command.
            String why = restarting ? "stopped right after its start, so it could not take the name" : "could not take the name";
            EngineException failed = new EngineException(kind, "the replacement " + replacementName + " " + why
                    + " (" + e.getMessage() + "); it is removed and the old container runs again", e);
            undo(failed, () -> engine.removeContainer(newId));
            undo(failed, () -> engine.renameContainer(oldId, name));
            undo(failed, () -> engine.startContainer(oldId));
            throw failed;
        }
        if (removeOld) {
            engine.removeContainer(oldId);
        }
    }

    /** One compensating call; its own failure is kept with the error it compensates, never thrown instead of it. */
    private static void undo(EngineException cause, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warnf("undo failed: %s", e.getMessage());
        }
    }

    /** Starts a container just created; one that will not start is removed again. */
    private void startOrRemove(String id) {
        try {
            engine.startContainer(id);
        } catch (EngineException e) {
            undo(e, () -> engine.removeContainer(id));
            throw e;
        }
    }

    /** Gets the image as {@code c} says and creates (does not start) the container under {@code name}; its id. */
    private String create(Step.NewContainer c, String name, Run run, List<Outcome.Pull> pulls) {
        return create(c, name, run, pulls, true);
    }

    /** As above; {@code alias}: whether it gets the manifest's name as its network alias. */
    private String create(Step.NewContainer c, String name, Run run, List<Outcome.Pull> pulls, boolean alias) {
        String image = c.manifest().spec().image();
        if (c.pull() == PullMode.FIRST) {
            pullOnce(image, run, pulls);
        }
        // The labels stay the step's (the spec as written); only the engine's mounts get the resolved paths.
        io.hostlet.manifest.ContainerManifest m = beforeCreate.apply(c.manifest());
        try {
            return engine.createContainer(m, name, c.labels(), c.carriedVolumes(), alias);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.CONFLICT) {
                throw new EngineException(e.kind(), "the name " + name
                        + " is taken by a container hostlet does not manage; it is left alone (remove or rename it,"
                        + " or rename the manifest)", e);
            }
            if (e.kind() != EngineException.Kind.IMAGE_MISSING) {
                throw e;
            }
            if (c.pull() == PullMode.NEVER) {
                throw new EngineException(EngineException.Kind.IMAGE_MISSING,
                        "image " + image + " is not present and imagePullPolicy is Never", e);
            }
            pullOnce(image, run, pulls);
            return engine.createContainer(beforeCreate.apply(c.manifest()), name, c.labels(), c.carriedVolumes(), alias);
        }
    }

    /** Pulls each image at most once per run, however many steps want it; the others wait for that pull. */
    private void pullOnce(String image, Run run, List<Outcome.Pull> pulls) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> existing = run.pulls.putIfAbsent(image, mine);
        if (existing == null) {
            try {
                LOG.infof("pulling %s", image);
                pull(image, pulls);
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

    /** Pulls {@code image} in one of the pull slots; adds what the reference named before and after to {@code pulls}. */
    private void pull(String image, List<Outcome.Pull> pulls) {
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
        pulls.add(new Outcome.Pull(image, before == null ? null : before.id(), after == null ? null : after.id()));
    }
}
