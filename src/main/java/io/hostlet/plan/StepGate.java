package io.hostlet.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The last word on every decided step, whatever family decided it: a step whose target has a step of an earlier pass
 * still in flight, or that needs an image such a step fetches, or whose target (or, for a new container, whose image)
 * is backing off, becomes a {@link Step.Wait}. Everything is gated the same way, so no family repeats these rules.
 */
final class StepGate {

    /** How the cause of a {@link Step.Wait} for a step in flight begins. */
    static final String IN_PROGRESS = "in progress: ";

    private final Map<Target, Backoff> backoffs;
    private final Map<Target, Step> inFlight;
    private final Instant now;

    StepGate(Map<Target, Backoff> backoffs, Map<Target, Step> inFlight, Instant now) {
        this.backoffs = backoffs;
        this.inFlight = inFlight;
        this.now = now;
    }

    /** The phase {@code kind} of {@code steps}, each gated. */
    Plan.Phase phase(Plan.Kind kind, List<Step> steps) {
        // A rolled-back note is a fact for status, not something to try: no backoff or step in flight turns it into a wait.
        return new Plan.Phase(kind, steps.stream().map(s -> s instanceof Step.RolledBack ? s : gate(s)).toList());
    }

    private Step gate(Step s) {
        Step running = inFlight.get(s.target());
        if (running == null && s.neededImage() != null) {
            // one pull per image at a time: a create (which may pull) waits for a pull of its image, and vice versa
            running = inFlight.values().stream().filter(f -> s.neededImage().equals(f.neededImage())).findFirst()
                    .orElse(null);
        }
        if (running != null) {
            return new Step.Wait(s.target(), Step.Wait.Reason.IN_PROGRESS, null, waitCause(running));
        }
        Backoff b = backoffs.get(s.target());
        if (b != null && b.holds(s.gateHash(), now)) {
            return new Step.Wait(s.target(), Step.Wait.Reason.BACKOFF, b.notBefore(), b.reason());
        }
        // A container that needs a new container waits while its image is backing off: one failing pull per image.
        Backoff ib = !s.makesContainer() ? null : backoffs.get(Target.image(s.neededImage()));
        if (ib != null && now.isBefore(ib.notBefore())) {
            return new Step.Wait(s.target(), Step.Wait.Reason.IMAGE_BACKOFF, ib.notBefore(), ib.reason());
        }
        return s;
    }

    /** The cause of a wait for {@code running}, e.g. {@code in progress: PullImage busybox:1 (not present)}. */
    static String waitCause(Step running) {
        String what = running.target().kind() == Target.Kind.container ? running.action()
                : running.action() + " " + running.target().name();
        return IN_PROGRESS + what + " (" + running.cause() + ")";
    }
}
