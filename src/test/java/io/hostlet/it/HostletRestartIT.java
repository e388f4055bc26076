package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.hostlet.it.HostletFixture.holdsThroughout;
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
        holdsThroughout(Duration.ofSeconds(6), () -> {
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

        assertThat(hostlet.stop()).as("hostlet exited within 30 s of SIGTERM").isTrue();

        holdsThroughout(Duration.ofSeconds(3), () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isEqualTo(before.getId());
            assertThat(now.getState().getStartedAt()).isEqualTo(before.getState().getStartedAt());
        });
    }

    @Test
    void containersKeepRunningWhenHostletIsKilled() {
        String name = hostlet.name("sigkill");
        hostlet.write(name + ".yaml", Manifest.container(name));
        InspectContainerResponse before = hostlet.awaitRunning(name);

        hostlet.kill();

        holdsThroughout(Duration.ofSeconds(3), () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isEqualTo(before.getId());
            assertThat(now.getState().getStartedAt()).isEqualTo(before.getState().getStartedAt());
        });
    }
}
