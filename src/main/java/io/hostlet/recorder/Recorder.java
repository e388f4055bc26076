package io.hostlet.recorder;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.EngineException;
import io.hostlet.execute.Outcome;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Backoff;
import io.hostlet.plan.ImageGc;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.plan.Updates;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SpecHash;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps hostlet's books between passes: the backoff book (failures and restarts per target, and per image) and
 * the record of images hostlet pulled. It turns each pass's observation and the executor's outcomes into entries;
 * the planner reads them back as {@link #backoffs()} and {@link #imageGc()}. Outcomes pass through here and nowhere
 * else, so whatever else must hear of them (events) hooks in here.
 *
 * <p>Used by the reconcile thread only.
 */
public final class Recorder {

    private final BackoffBook book;
    private final PulledImages pulled;
    private final Clock clock;
    private final boolean prune;
    private final Duration pruneGrace;
    private final Consumer<String> imageChanged;
    private final UpdateBook updates;

    /**
     * @param prune        whether image garbage collection is on ({@code hostlet.images.prune})
     * @param pruneGrace   how long an image must have been unwanted before it goes
     * @param imageChanged told of each image a step pulled or created a container from, so that observation checks
     *                     it against its registry again
     */
    public Recorder(BackoffBook book, PulledImages pulled, Clock clock, boolean prune, Duration pruneGrace,
                    Consumer<String> imageChanged) {
        this(book, pulled, UpdateBook.inMemory(), clock, prune, pruneGrace, imageChanged);
    }

    /** As above, with the record of updates ({@code updates}, persisted in the state folder). */
    public Recorder(BackoffBook book, PulledImages pulled, UpdateBook updates, Clock clock, boolean prune,
                    Duration pruneGrace, Consumer<String> imageChanged) {
        this.updates = updates;
        this.book = book;
        this.pulled = pulled;
        this.clock = clock;
        this.prune = prune;
        this.pruneGrace = pruneGrace;
        this.imageChanged = imageChanged;
    }

    /** The backoff book, read by status. */
    public BackoffBook book() {
        return book;
    }

    /** The backoffs the planner must respect. */
    public Map<Target, Backoff> backoffs() {
        return book.view();
    }

    /** The record of updates (in progress, refused, last known good). */
    public UpdateBook updateBook() {
        return updates;
    }

    /** The updates the planner must judge and respect, with the engine's restart counts by container id. */
    public Updates updates(Map<String, Integer> engineRestarts) {
        return updates.view(engineRestarts);
    }

    /**
     * Books the updates the steps about to run begin, before they run: a crash while they run leaves the record, so
     * the restarted hostlet judges their gate instead of taking the new container as it finds it.
     */
    public void started(Iterable<Step> actions, Instant now) {
        for (Step s : actions) {
            s.accept(bookings).begin(now);
        }
    }

    /** An operator asks for the refused spec of {@code name} to be tried again; whether one was refused. */
    public boolean retry(String name) {
        return updates.retry(name);
    }

    /** Image garbage collection as the planner must apply it: off, or on with the record of pulled images. */
    public ImageGc imageGc() {
        return prune ? new ImageGc(true, pruneGrace, pulled.list()) : ImageGc.OFF;
    }

    /**
     * Books what a pass observed before it plans, at {@code now} (the planner's time): crash history of containers
     * that have run long enough is forgiven, and with garbage collection on, the pulled images' wanted-since marks
     * follow the desired state.
     */
    public void observed(DesiredState desired, ObservedState observed, Instant now) {
        book.observe(observed, now);
        for (ObservedContainer c : observed.containers()) {
            ContainerManifest m = desired.containers().get(c.name()); // under its own name: not mid-swap
            if (m != null && c.state() == ObservedContainer.State.RUNNING && c.specHash() != null
                    && c.specHash().equals(SpecHash.of(m))) {
                updates.settled(m.name(), c.specHash()); // running its desired spec, no update pending: good
            }
        }
        if (prune) {
            pulled.replace(ImageGc.track(pulled.list(), desired, observed, now));
        }
    }

    /** Books what became of the steps that ran. */
    public void record(Iterable<Outcome> outcomes) {
        Instant now = clock.instant();
        Set<String> imagesFailed = new HashSet<>(); // several containers failing on one image are one failure
        for (Outcome o : outcomes) {
            Step s = o.step();
            o.pulls().forEach(p -> pulled.pulled(p.image(), p.beforeId(), p.afterId(), now));
            if (!s.accept(bookings).record(o, now)) {
                continue;
            }
            String image = s.neededImage();
            if (image != null && o.ok()) {
                imageChanged.accept(image); // the local image may have changed
            }
            if (image != null && s.makesContainer() && (o.ok() || isImageError(o.error()))) {
                // Backoff per image too: one failing pull holds every container that needs the image.
                if (o.ok()) {
                    book.succeeded(Target.image(image), image, false);
                } else if (imagesFailed.add(image)) {
                    book.failed(Target.image(image), image, o.error().kind(), o.error().getMessage(), now);
                }
            }
            if (o.ok()) {
                if (s.isRestart()) {
                    book.restarted(s.target(), s.gateHash(), now);
                } else {
                    book.succeeded(s.target(), s.gateHash(), s.makesContainer());
                }
            } else if (o.error().kind() != EngineException.Kind.UNREACHABLE) {
                book.failed(s.target(), s.gateHash(), o.error().kind(), o.error().getMessage(), now);
            }
        }
    }

    /**
     * What one step means for the records beside the backoff book: the updates it begins (booked before it runs) and
     * what its outcome books (update gates, refusals, pulled images).
     */
    private interface Booking {
        Booking NONE = new Booking() {
        };

        /** Books, before the step runs at {@code now}, the update it begins. */
        default void begin(Instant now) {
        }

        /** Books the step's outcome {@code o}; false when its backoff is not to be booked either. */
        default boolean record(Outcome o, Instant now) {
            return true;
        }
    }

    /** The booking of each kind of step. */
    private final Step.Visitor<Booking> bookings = new Step.Visitor<>() {
        @Override
        public Booking visitRecreateContainer(Step.RecreateContainer r) {
            return r.keepOld() ? gated(r, r.rollbackTo(), r.oldId(), true) : Booking.NONE;
        }

        @Override
        public Booking visitStartBeside(Step.StartBeside b) {
            // every StartBeside is gated; only one with a spec to roll back to is booked as begun
            return gated(b, b.rollbackTo(), b.oldId(), b.rollbackTo() != null);
        }

        @Override
        public Booking visitResumeReplacement(Step.ResumeReplacement rr) {
            return !rr.keepOld() ? Booking.NONE : onSuccess(now -> updates.newStarted(rr.name(), rr.specHash(), now));
        }

        @Override
        public Booking visitFinishUpdate(Step.FinishUpdate f) {
            return onSuccess(now -> updates.passed(f.name(), f.specHash()));
        }

        @Override
        public Booking visitRollBack(Step.RollBack rb) {
            return onSuccess(now -> updates.rolledBack(new Updates.Refusal(rb.name(), rb.failedHash(), rb.reason(), now,
                    rb.revision())));
        }

        @Override
        public Booking visitRemoveImage(Step.RemoveImage r) {
            return new Booking() {
                @Override
                public boolean record(Outcome o, Instant now) {
                    if (o.ok()) {
                        pulled.removed(r.image());
                    } else if (o.error().kind() == EngineException.Kind.CONFLICT) {
                        pulled.refused(r.image(), now);
                        return false; // refused (in use, or re-pointed): the record restarted its grace; no backoff
                    }
                    return true;
                }
            };
        }

        @Override
        public Booking visitCreateNetwork(Step.CreateNetwork s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitRemoveNetwork(Step.RemoveNetwork s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitPullImage(Step.PullImage s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitCreateContainer(Step.CreateContainer s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitRolledBack(Step.RolledBack s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitAdoptReplacement(Step.AdoptReplacement s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitStartContainer(Step.StartContainer s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitRestartContainer(Step.RestartContainer s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitStopContainer(Step.StopContainer s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitRemoveContainer(Step.RemoveContainer s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitHoldRemoval(Step.HoldRemoval s) {
            return Booking.NONE;
        }

        @Override
        public Booking visitWait(Step.Wait s) {
            return Booking.NONE;
        }
    };

    /** A booking that only acts when the step succeeded. */
    private static Booking onSuccess(Consumer<Instant> booked) {
        return new Booking() {
            @Override
            public boolean record(Outcome o, Instant now) {
                if (o.ok()) {
                    booked.accept(now);
                }
                return true;
            }
        };
    }

    /**
     * A gated update's new container: booked as begun (when {@code begins}) before it runs, then as started, or
     * refused when it was made but would not start.
     */
    private Booking gated(Step.MakesContainer mc, String rollbackTo, String oldId, boolean begins) {
        String name = mc.manifest().name();
        return new Booking() {
            @Override
            public void begin(Instant now) {
                if (begins) {
                    updates.began(new Updates.InProgress(name, mc.container().specHash(), rollbackTo, oldId, now,
                            null));
                }
            }

            @Override
            public boolean record(Outcome o, Instant now) {
                if (o.ok()) {
                    updates.newStarted(name, mc.container().specHash(), now);
                } else if (o.error().kind() == EngineException.Kind.FAILED) {
                    // The new container was made but would not start; the executor left the old one serving (its
                    // undo). Image errors are not refused: a registry that is down is retried with backoff
                    // (ImagePullBackOff), and the old container serves meanwhile; an unreachable engine or a foreign
                    // name is not the spec's.
                    updates.rolledBack(new Updates.Refusal(name, mc.container().specHash(),
                            "the new container could not be made or started: " + o.error().getMessage(), now,
                            mc.container().labels().get(Labels.REVISION)));
                }
                return true;
            }
        };
    }

    private static boolean isImageError(EngineException e) {
        return e.kind() == EngineException.Kind.PULL_FAILED || e.kind() == EngineException.Kind.IMAGE_MISSING;
    }

    /** Keeps the backoff book to what still exists or is still wanted, so it cannot grow without bound. */
    public void forgetVanished(DesiredState desired, ObservedState observed) {
        Set<Target> live = new HashSet<>();
        desired.containers().keySet().forEach(n -> live.add(Target.container(n)));
        observed.containers().forEach(c -> live.add(Target.container(c.managedName() == null ? c.name() : c.managedName())));
        desired.containers().values().forEach(m -> m.spec().networks().forEach(n -> live.add(Target.network(n))));
        observed.networks().keySet().forEach(n -> live.add(Target.network(n)));
        desired.containers().values().forEach(m -> live.add(Target.image(m.spec().image())));
        desired.images().values().forEach(m -> live.add(Target.image(m.image())));
        pulled.list().forEach(p -> live.add(Target.image(p.reference())));
        book.retain(live);
        Set<String> names = new HashSet<>(desired.containers().keySet());
        observed.containers().forEach(c -> names.add(c.managedName() == null ? c.name() : c.managedName()));
        if (desired.complete()) {
            updates.retain(names); // an unreadable folder forgets nothing
        }
    }
}
