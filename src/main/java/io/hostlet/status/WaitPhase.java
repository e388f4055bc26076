package io.hostlet.status;

import io.hostlet.plan.Step;
import io.hostlet.recorder.BackoffBook;

/**
 * The phase a container shows while its step waits: one table over the wait's {@link Step.Wait.Reason} and what is
 * known of the container, so that status never reads the planner's sentences.
 */
final class WaitPhase {

    private WaitPhase() {
    }

    /**
     * The phase for a wait of {@code reason}.
     *
     * @param observed the phase its container shows by its state; null when there is none
     * @param desired  whether a manifest wants the container (a removed one waits to be removed)
     * @param backoff  why the target (or the image it needs) backs off, from the backoff book; null when it does not
     */
    static Phase of(Step.Wait.Reason reason, Phase observed, boolean desired, BackoffBook.Cause backoff) {
        return switch (reason) {
            // the new container runs (or starts) while its gate judges it: it shows as it is
            case UPDATE_GATE -> observed == null ? Phase.Pending : observed;
            // held while a bind leads to a refused path: it shows as it is (stopped), never started
            case BLOCKED_MOUNT -> observed == null ? Phase.Pending : observed;
            // waiting for other containers or steps, not backing off
            case IN_PROGRESS, DEPENDENCY, REMOVAL_ORDER -> desired ? Phase.Pending : Phase.Removing;
            case BACKOFF, IMAGE_BACKOFF -> backoff == null ? Phase.Pending : switch (backoff) {
                case RESTART -> Phase.CrashLoopBackOff;
                case IMAGE -> Phase.ImagePullBackOff;
                case CONFLICT -> Phase.Conflict;
                case FAILURE -> Phase.Failed;
            };
        };
    }
}
