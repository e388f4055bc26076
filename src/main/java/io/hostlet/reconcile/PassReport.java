package io.hostlet.reconcile;

import io.hostlet.desired.DesiredState;
import io.hostlet.execute.Outcome;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Plan;
import io.hostlet.status.HostStatus;

import java.time.Instant;
import java.util.List;

/**
 * Everything one pass saw, decided and learned, handed to the {@link PassListener}s after its status is published.
 * Events, metrics and notifications are derived from these reports (and from the difference between consecutive
 * ones) rather than from hooks inside the stages, so the stages stay unaware of who watches them.
 *
 * @param number      the pass number (as in {@code status.lastPass.number})
 * @param at          when the pass planned (or found the engine down)
 * @param desired     the desired state the pass read
 * @param observed    the engine as observed; null when the engine did not answer
 * @param plan        the plan it made; null when the engine did not answer
 * @param acted       whether the plan's steps were started (false in observe mode, or with nothing to do)
 * @param outcomes    the step outcomes this pass recorded: steps of earlier passes that finished since, and steps of
 *                    this pass that finished at once
 * @param status      the status it published
 * @param engineError why the engine could not be reached; null when it answered
 */
public record PassReport(long number, Instant at, DesiredState desired, ObservedState observed, Plan plan,
                         boolean acted, List<Outcome> outcomes, HostStatus status, String engineError) {

    public PassReport {
        outcomes = List.copyOf(outcomes);
    }

    /** Whether the engine answered in this pass. */
    public boolean engineUp() {
        return engineError == null;
    }
}
