package io.hostlet.manifest;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.hostlet.manifest.SpecYaml.errors;
import static io.hostlet.manifest.SpecYaml.single;
import static io.hostlet.manifest.SpecYaml.withSpec;
import static org.assertj.core.api.Assertions.assertThat;

class UpdatePolicyParserTest {

    @Test
    void absentUpdateGivesTheDefaults() {
        UpdatePolicy u = single(withSpec()).spec().update();
        assertThat(u).isEqualTo(new UpdatePolicy(UpdatePolicy.Strategy.StopFirst, Duration.ofSeconds(60),
                Duration.ofSeconds(5), true));
    }

    @Test
    void everyFieldIsRead() {
        UpdatePolicy u = single(withSpec("update: {strategy: StartFirst, progressDeadline: 2m, minReady: 10s,"
                + " rollback: false}")).spec().update();
        assertThat(u).isEqualTo(new UpdatePolicy(UpdatePolicy.Strategy.StartFirst, Duration.ofMinutes(2),
                Duration.ofSeconds(10), false));
    }

    @Test
    void missingFieldsTakeTheirDefaults() {
        UpdatePolicy u = single(withSpec("update: {minReady: 0s}")).spec().update();
        assertThat(u).isEqualTo(new UpdatePolicy(UpdatePolicy.Strategy.StopFirst, Duration.ofSeconds(60),
                Duration.ZERO, true));
    }

    @Test
    void updateIsNotPartOfTheSpecHash() {
        String plain = SpecHash.of(single(withSpec()));
        assertThat(SpecHash.of(single(withSpec("update: {strategy: StartFirst, progressDeadline: 5m, minReady: 30s,"
                + " rollback: false}")))).isEqualTo(plain);
    }

    @Test
    void startFirstWithAFixedHostPortIsAnErrorSayingWhy() {
        assertThat(errors(withSpec("ports: [{containerPort: 80, hostPort: 8080}]", "update: {strategy: StartFirst}")))
                .containsExactly("8:22: spec.update.strategy: StartFirst runs the new container beside the old one,"
                        + " and a fixed hostPort can be bound by only one of them: use StopFirst, or leave hostPort out"
                        + " (a random host port) and reach the container by its name on a network");
    }

    @Test
    void startFirstWithARandomHostPortIsFine() {
        assertThat(single(withSpec("ports: [{containerPort: 80}]", "update: {strategy: StartFirst}")).spec().update()
                .strategy()).isEqualTo(UpdatePolicy.Strategy.StartFirst);
    }

    @Test
    void badValuesAreErrorsWithTheirPlace() {
        assertThat(errors(withSpec("update: {strategy: Rolling, progressDeadline: forever, rollback: maybe, extra: 1}")))
                .containsExactly(
                        "7:22: spec.update.strategy: expected one of StopFirst, StartFirst, got \"Rolling\"",
                        "7:49: spec.update.progressDeadline: expected a duration from 1s to 1h like 60s or 1m30s, got \"forever\"",
                        "7:68: spec.update.rollback: expected true or false, got \"maybe\"",
                        "7:75: unknown field \"extra\" in spec.update (known: strategy, progressDeadline, minReady, rollback)");
    }

    @Test
    void minReadyMustBeShorterThanTheDeadline() {
        assertThat(errors(withSpec("update: {progressDeadline: 10s, minReady: 10s}")))
                .containsExactly("7:45: spec.update.minReady: must be shorter than progressDeadline (10s), or no update"
                        + " could ever pass");
    }
}
