package io.hostlet.recorder;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.EngineException;
import io.hostlet.execute.Outcome;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Backoff;
import io.hostlet.plan.ImageGc;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
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

    /**
     * @param prune        whether image garbage collection is on ({@code hostlet.images.prune})
     * @param pruneGrace   how long an image must have been unwanted before it goes
     * @param imageChanged told of each image a step pulled or created a container from, so that observation checks
     *                     it against its registry again
     */
    public Recorder(BackoffBook book, PulledImages pulled, Clock clock, boolean prune, Duration pruneGrace,
                    Consumer<String> imageChanged) {
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
            if (s instanceof Step.RemoveImage r) {
                if (o.ok()) {
                    pulled.removed(r.image());
                } else if (o.error().kind() == EngineException.Kind.CONFLICT) {
                    pulled.refused(r.image(), now);
                    continue; // refused (in use, or re-pointed): the record restarted its grace; no backoff needed
                }
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
    }
}
