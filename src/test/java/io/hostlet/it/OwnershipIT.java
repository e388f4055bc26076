package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.hostlet.it.TestEngine.INSTANCE;
import static io.hostlet.it.TestEngine.MANAGED;
import static io.hostlet.it.TestEngine.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** hostlet touches only containers labelled with its own instance. */
class OwnershipIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @Test
    void anUnlabelledContainerBearingAWantedNameIsLeftAloneAndReportedAsConflict() {
        String name = hostlet.name("taken");
        String id = hostlet.runUnmanaged(name, Map.of(), "/bin/sh", "-c", "exec sleep 100000");
        InspectContainerResponse before = engine.running(name);

        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "wanted"));

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Conflict");
        });
        hostlet.holdsAcrossPasses(2, () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isEqualTo(id);
            assertThat(now.getState().getStartedAt()).isEqualTo(before.getState().getStartedAt());
            assertThat(now.getConfig().getLabels()).doesNotContainKey(MANAGED);
            assertThat(now.getConfig().getEnv()).doesNotContain("MODE=wanted");
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Conflict");
        });
    }

    @Test
    void aContainerOfAnotherHostletInstanceIsNeverPruned() {
        String name = hostlet.name("foreign");
        String id = hostlet.runUnmanaged(name,
                Map.of(MANAGED, "true", INSTANCE, hostlet.instance() + "-other", NAME, name),
                "/bin/sh", "-c", "exec sleep 100000");
        InspectContainerResponse before = engine.running(name);
        // once the witness runs, hostlet has made a pass with the foreign container on the engine
        String witness = hostlet.name("witness");
        hostlet.write(witness + ".yaml", Manifest.container(witness));
        hostlet.awaitRunning(witness);

        hostlet.holdsAcrossPasses(2, () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isEqualTo(id);
            assertThat(now.getState().getStartedAt()).isEqualTo(before.getState().getStartedAt());
            assertThat(hostlet.containerStatus(name).isMissingNode()).as("%s in status", name).isTrue();
        });
    }
}
