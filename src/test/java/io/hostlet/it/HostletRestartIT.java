package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** hostlet going away and coming back must not disturb what runs. */
class HostletRestartIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @Test
    void anUnchangedManifestKeepsItsContainerAcrossAHostletRestart() {
        String name = hostlet.name("steady");
        hostlet.write(name + ".yaml", Manifest.container(name));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        hostlet.restart();

        await().untilAsserted(() -> assertThat(hostlet.containerStatus(name).path("phase").asText())
                .as("%s", hostlet.containerStatus(name)).isEqualTo("Running"));
        hostlet.holdsAcrossPasses(2, () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isEqualTo(before.getId());
            assertThat(now.getState().getStartedAt()).isEqualTo(before.getState().getStartedAt());
            assertThat(engine.managedNamed(hostlet.instance(), name)).hasSize(1);
            assertThat(hostlet.containerStatus(name).path("containerId").asText()).isEqualTo(before.getId());
        });
    }

    @Test
    void containersKeepRunningWhenHostletIsStopped() {
        String name = hostlet.name("sigterm");
        hostlet.write(name + ".yaml", Manifest.container(name));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        Instant mark = engine.markEvents(before.getId());
        assertThat(hostlet.stop()).as("hostlet exited within 30 s of SIGTERM").isTrue();

        assertLeftAlone(name, before, mark);
    }

    @Test
    void containersKeepRunningWhenHostletIsKilled() {
        String name = hostlet.name("sigkill");
        hostlet.write(name + ".yaml", Manifest.container(name));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        Instant mark = engine.markEvents(before.getId());
        hostlet.kill();

        assertLeftAlone(name, before, mark);
    }

    /**
     * hostlet has exited, so it can ask nothing more of the engine, and the engine logged every action it carried
     * out: nothing stopped, killed, restarted or removed the container since the mark, and it still runs. (A stop
     * hostlet began while exiting would show as a {@code kill} event at once, long before the container went down.)
     */
    private void assertLeftAlone(String name, InspectContainerResponse before, Instant mark) {
        assertThat(hostlet.process().isRunning()).as("hostlet has exited").isFalse();
        assertThat(engine.eventsSince(before.getId(), mark))
                .as("what the engine did to %s since the mark", name)
                .doesNotContainAnyElementsOf(List.of("kill", "stop", "die", "restart", "pause", "destroy"));
        InspectContainerResponse now = engine.running(name);
        assertThat(now.getId()).isEqualTo(before.getId());
        assertThat(now.getState().getStartedAt()).isEqualTo(before.getState().getStartedAt());
    }
}
