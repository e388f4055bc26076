package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ObservedState;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link Planner#plan} decides from, named: the planner reads nothing else.
 *
 * @param desired  what the manifests ask for
 * @param observed the engine's state, read once before planning
 * @param backoffs the targets backing off after failures, by target
 * @param inFlight the steps of earlier passes that still run beside this one, by target: a step for such a target (or
 *                 a container step needing an image being pulled) becomes a {@link Step.Wait}, and images and
 *                 networks are removed only while nothing is in flight, so that no removal races a create
 * @param updates  the updates in progress and refused (see {@link Updates})
 * @param now      the planner's time
 * @param gc       which unused images may be removed (see {@link ImageGc})
 * @param origin   whose labels what the plan creates carries
 * @param guard    the guard that judges the plan's removals as a whole; null plans every removal it decides (tests
 *                 and tools that want the bare decisions)
 */
public record PlanInput(DesiredState desired, ObservedState observed, Map<Target, Backoff> backoffs,
                        Map<Target, Step> inFlight, Updates updates, Instant now, ImageGc gc, Origin origin,
                        PruneGuard guard) {
    public PlanInput {
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(origin, "origin");
        backoffs = Map.copyOf(backoffs);
        inFlight = Map.copyOf(inFlight);
        updates = updates == null ? Updates.NONE : updates;
        gc = gc == null ? ImageGc.OFF : gc;
    }

    /**
     * A builder for the inputs that always matter; nothing backs off, nothing is in flight, no update is in progress,
     * image garbage collection is off and no guard judges removals until set.
     */
    public static Builder builder(DesiredState desired, ObservedState observed, Instant now, Origin origin) {
        return new Builder(desired, observed, now, origin);
    }

    /** Names the planner's optional inputs; each setter replaces the value. */
    public static final class Builder {
        private final DesiredState desired;
        private final ObservedState observed;
        private final Instant now;
        private final Origin origin;
        private Map<Target, Backoff> backoffs = Map.of();
        private Map<Target, Step> inFlight = Map.of();
        private Updates updates = Updates.NONE;
        private ImageGc gc = ImageGc.OFF;
        private PruneGuard guard;

        private Builder(DesiredState desired, ObservedState observed, Instant now, Origin origin) {
            this.desired = desired;
            this.observed = observed;
            this.now = now;
            this.origin = origin;
        }

        public Builder backoffs(Map<Target, Backoff> v) {
            backoffs = v;
            return this;
        }

        public Builder inFlight(Map<Target, Step> v) {
            inFlight = v;
            return this;
        }

        public Builder updates(Updates v) {
            updates = v;
            return this;
        }

        public Builder gc(ImageGc v) {
            gc = v;
            return this;
        }

        public Builder guard(PruneGuard v) {
            guard = v;
            return this;
        }

        public PlanInput build() {
            return new PlanInput(desired, observed, backoffs, inFlight, updates, now, gc, origin, guard);
        }
    }
}
