package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What hostlet does when a container stops behind its back, and when one finishes as it should. */
class SelfHealingIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @Test
    void aKilledContainerWithRestartPolicyAlwaysRunsAgain() {
        String name = hostlet.name("killed");
        hostlet.write(name + ".yaml", Manifest.container(name).restartPolicy("Always"));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        Instant killedAt = Instant.now();
        engine.kill(name);

        await().untilAsserted(() -> assertRunsAgainSince(name, before, killedAt));
    }

    @Test
    void aStoppedContainerWithRestartPolicyAlwaysRunsAgain() {
        String name = hostlet.name("stopped");
        hostlet.write(name + ".yaml", Manifest.container(name).restartPolicy("Always"));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        Instant stoppedAt = Instant.now();
        engine.stop(name);

        await().untilAsserted(() -> assertRunsAgainSince(name, before, stoppedAt));
    }

    @Test
    void aContainerThatExitsZeroUnderOnFailureSucceedsAndIsNotRestarted() {
        String name = hostlet.name("oneshot");
        hostlet.write(name + ".yaml", Manifest.container(name).restartPolicy("OnFailure").shell("sleep 1; exit 0"));

        AtomicReference<InspectContainerResponse> finished = new AtomicReference<>();
        await().untilAsserted(() -> {
            InspectContainerResponse c = engine.existing(name);
            assertThat(c.getState().getRunning()).isFalse();
            assertThat(c.getState().getExitCodeLong()).isZero();
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Succeeded");
            finished.set(c);
        });

        hostlet.holdsAcrossPasses(2, () -> {
            InspectContainerResponse c = engine.existing(name);
            assertThat(c.getId()).isEqualTo(finished.get().getId());
            assertThat(c.getState().getRunning()).isFalse();
            assertThat(c.getState().getStartedAt()).as("started again").isEqualTo(finished.get().getState().getStartedAt());
            assertThat(c.getRestartCount()).isZero();
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Succeeded");
            assertThat(s.path("restarts").asInt(-1)).as("%s", s).isZero();
        });
    }

    @Test
    void aPassCausedOnlyByAFileChangeReusesTheLastListingAndADeathIsStillSeen() {
        String name = hostlet.name("cached");
        hostlet.write(name + ".yaml", Manifest.container(name).restartPolicy("Always"));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        // A dotfile wakes the watcher but is not a manifest: the pass it causes has nothing new to look at. Passes
        // of the resync timer (2 s here) list, so nudge until a pass that only the nudge caused is seen.
        AtomicReference<JsonNode> cachedPass = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long seen = hostlet.passes().current();
            hostlet.write(".nudge", Instant.now().toString());
            // the pass and its cost are published together, once it has finished
            JsonNode pass = hostlet.awaitPasses(1).path("lastPass");
            assertThat(pass.path("number").asLong()).isGreaterThan(seen);
            assertThat(pass.path("listed").asBoolean(true)).as("%s", pass).isFalse();
            cachedPass.set(pass);
        });
        assertThat(cachedPass.get().path("apiCalls").asLong(-1)).as("%s", cachedPass.get()).isZero();
        assertThat(cachedPass.get().path("actions").asLong(-1)).isZero();

        // The event stream moves the epoch, so the pass after a kill lists and restarts it.
        Instant killedAt = Instant.now();
        engine.kill(name);
        await().untilAsserted(() -> assertRunsAgainSince(name, before, killedAt));
    }

    /** Running now, in a run that began after {@code since} (the same container restarted, or a new one). */
    private void assertRunsAgainSince(String name, InspectContainerResponse before, Instant since) {
        InspectContainerResponse now = engine.running(name);
        if (now.getId().equals(before.getId())) {
            assertThat(TestEngine.startedAt(now)).isAfter(since);
        }
        assertThat(engine.managedNamed(hostlet.instance(), name)).hasSize(1);
    }
}
