package io.hostlet.status;

import io.hostlet.plan.Step.Wait.Reason;
import io.hostlet.recorder.BackoffBook.Cause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.hostlet.status.Phase.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The phase of a waiting container, one row per (reason, what is known of the container). */
class WaitPhaseTest {

    static Arguments row(Reason reason, Phase observed, boolean desired, Cause backoff, Phase expected) {
        return Arguments.of(reason, observed, desired, backoff, expected);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // an update's gate: the container shows as it runs
                row(Reason.UPDATE_GATE, Running, true, null, Running),
                row(Reason.UPDATE_GATE, CrashLoopBackOff, true, null, CrashLoopBackOff),
                row(Reason.UPDATE_GATE, null, true, null, Pending),
                // held while a bind leads to a refused path: shows as it is
                row(Reason.BLOCKED_MOUNT, Failed, true, null, Failed),
                row(Reason.BLOCKED_MOUNT, null, true, null, Pending),
                // waiting for others: pending, or removing when no manifest wants it any more
                row(Reason.IN_PROGRESS, Running, true, null, Pending),
                row(Reason.IN_PROGRESS, Running, false, null, Removing),
                row(Reason.DEPENDENCY, null, true, null, Pending),
                row(Reason.DEPENDENCY, Failed, true, null, Pending),
                row(Reason.REMOVAL_ORDER, Running, false, null, Removing),
                // backing off: the book's cause decides
                row(Reason.BACKOFF, Failed, true, Cause.RESTART, CrashLoopBackOff),
                row(Reason.BACKOFF, null, true, Cause.IMAGE, ImagePullBackOff),
                row(Reason.BACKOFF, null, true, Cause.CONFLICT, Conflict),
                row(Reason.BACKOFF, null, true, Cause.FAILURE, Failed),
                row(Reason.BACKOFF, Running, true, null, Pending),
                row(Reason.IMAGE_BACKOFF, null, true, Cause.IMAGE, ImagePullBackOff),
                row(Reason.IMAGE_BACKOFF, null, true, null, Pending));
    }

    @ParameterizedTest(name = "{0}, container {1}, desired {2}, backoff {3} -> {4}")
    @MethodSource("rows")
    void thePhaseOfAWaitComesFromItsReasonAndTheContainer(Reason reason, Phase observed, boolean desired,
                                                          Cause backoff, Phase expected) {
        assertThat(WaitPhase.of(reason, observed, desired, backoff)).isEqualTo(expected);
    }

    @Test
    void everyReasonHasARow() {
        Set<Reason> covered = rows().map(a -> (Reason) a.get()[0]).collect(Collectors.toSet());
        assertThat(covered).isEqualTo(EnumSet.allOf(Reason.class));
    }
}
