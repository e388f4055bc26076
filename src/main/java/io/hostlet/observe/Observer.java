package io.hostlet.observe;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.observed.CrashLookup;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Takes the one snapshot of the engine a pass plans from: managed containers and networks, the local images when
 * the pass needs them, and the registry checks of images whose pull policy is {@code Always}.
 *
 * <p>Cheap by design. The listing is reused when nothing can have changed since it was made: the event stream has
 * been live throughout and no event came (its epoch did not move), no step ran, and the resync timer did not ask.
 * So a pass caused by a file change costs no engine call, while a death, a stop, a removal by hand or anything else
 * the engine reports is always seen by a fresh list, and the resync lists regardless. A fresh listing is two calls
 * (containers, networks); the local images are a third, made only when Image manifests exist or image garbage
 * collection is on. The engine's restart counts, which the list call does not carry, are read by
 * {@link RestartCounts} (an inspect only of a container that may have restarted) and join the snapshot. Crash-loop
 * details are read here too ({@link CrashReader}), when status asks for the containers it finds crash-looping.
 *
 * <p>Used by the reconcile thread only, apart from {@link #resyncRequested()}.
 */
public final class Observer implements CrashLookup {

    private final Engine engine;
    private final ImageChecker images;
    private final LongSupplier eventsEpoch;
    private final Clock clock;
    private final boolean alwaysListImages;
    private final RestartCounts restartCounts;
    private final Supplier<Set<String>> touched;
    private final CrashReader crashes;

    /** The resync timer asked for a pass: list the engine even if the last listing is still current. */
    private volatile boolean listRequested;
    /** The last listing and the events epoch read just before it. */
    private volatile ObservedState lastListed; // volatile: step workers call engineChanged() (see Pass)
    private long lastListedEpoch = -1;
    /** Whether the last {@link #observe} listed the engine (false: it reused {@link #lastListed}). */
    private boolean listed;

    /**
     * @param eventsEpoch      the event stream's epoch (see {@link EngineEventsTrigger#epoch()}): negative while the
     *                         stream is down, moved by every event
     * @param touched          the ids engine events were about since the last call (see
     *                         {@link EngineEventsTrigger#drainTouched()}; null while the stream is down)
     * @param alwaysListImages whether every pass needs the local images (image garbage collection is on)
     * @param logTail          whether crash details include the last lines of output ({@code hostlet.status.log-tail})
     */
    public Observer(Engine engine, ImageChecker images, LongSupplier eventsEpoch, Supplier<Set<String>> touched,
                    Clock clock, boolean alwaysListImages, boolean logTail) {
        this.engine = engine;
        this.images = images;
        this.eventsEpoch = eventsEpoch;
        this.touched = touched;
        this.clock = clock;
        this.alwaysListImages = alwaysListImages;
        this.restartCounts = new RestartCounts(engine, clock.instant()); // containers born from now are seen at birth
        this.crashes = new CrashReader(engine, logTail);
    }

    @Override
    public Map<String, Details> crashDetails(Map<ObservedContainer, Integer> wanted, Instant now) {
        return crashes.crashDetails(wanted, now);
    }

    /**
     * The engine's state for this pass, as {@code desired} needs it. Throws {@link EngineException} when the engine
     * cannot be listed; the next pass then lists afresh.
     */
    public ObservedState observe(DesiredState desired) throws InterruptedException {
        ObservedState observed;
        try {
            observed = listing();
            // A third call only when something needs it: a plain pass stays at two.
            if (!desired.images().isEmpty() || alwaysListImages) {
                observed = observed.withLocalImages(engine.listImages());
            }
        } catch (EngineException e) {
            lastListed = null;
            throw e;
        }
        observed = observed.withImages(images.checks(desired, clock.instant()));
        return observed.withRestartCounts(restartCounts.update(observed, touched.get()));
    }

    /**
     * Whether the last {@link #observe} could not read every restart count that may have moved (see
     * {@link RestartCounts#pending()}): the next pass should come at once.
     */
    public boolean restartCountsPending() {
        return restartCounts.pending();
    }

    /**
     * The engine's state as the next pass would see it, for a preview of its plan: the current listing when it would
     * be reused, else a fresh one (and the local images and registry checks as {@link #observe} makes them). Changes
     * nothing the next pass depends on: it neither keeps its listing nor takes the resync's request for one, and it
     * reads no restart count.
     */
    public ObservedState preview(DesiredState desired) throws InterruptedException {
        long epoch = eventsEpoch.getAsLong();
        ObservedState current = lastListed;
        ObservedState observed = current != null && epoch >= 0 && epoch == lastListedEpoch ? current : engine.observe();
        if (!desired.images().isEmpty() || alwaysListImages) {
            observed = observed.withLocalImages(engine.listImages());
        }
        return observed.withImages(images.checks(desired, clock.instant()));
    }

    /** Whether the last {@link #observe} listed the engine rather than reusing the listing before. */
    public boolean listed() {
        return listed;
    }

    /** The resync timer: the next pass lists the engine even when nothing was signalled. */
    public void resyncRequested() {
        listRequested = true;
    }

    /** Steps ran and changed the engine: the next pass must look. */
    public void engineChanged() {
        lastListed = null;
    }

    /** hostlet pulled {@code image} or created a container from it: check it against its registry again. */
    public void imageChanged(String image) {
        images.invalidate(image);
    }

    private ObservedState listing() {
        long epoch = eventsEpoch.getAsLong(); // before listing: a change during the list moves it, and the next pass lists
        listed = false;
        if (lastListed != null && epoch >= 0 && epoch == lastListedEpoch && !listRequested) {
            return lastListed;
        }
        listed = true;
        listRequested = false;
        lastListed = engine.observe();
        lastListedEpoch = epoch;
        return lastListed;
    }
}
