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

    /** Waits until hostlet has finished {@code n} more passes than it had when called. */
    private static void awaitPasses(int n) {
        long from = hostlet.status().path("lastPass").path("number").asLong();
        await().untilAsserted(() -> assertThat(hostlet.status().path("lastPass").path("number").asLong())
                .isGreaterThanOrEqualTo(from + n));
    }

    /**
     * Issue 10, case 3, as written: {@code docker commit web snap && docker run -d --name web-debug snap}. The commit
     * carries hostlet's labels into the image, so the copy claims to be {@code web}; it is not hostlet's (its name is
     * not the one its labels claim) and neither container is ever touched as a "duplicate".
     */
    @Test
    void aCommittedCopyRunUnderAnotherNameIsForeignAndBothAreLeftAlone() {
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "real"));
        InspectContainerResponse real = hostlet.awaitRunning(name);

        String snap = "hostlet-test/snap-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ":1";
        engine.client().commitCmd(real.getId()).withRepository(snap.substring(0, snap.indexOf(':'))).withTag("1").exec();
        try {
            assertThat(engine.client().inspectImageCmd(snap).exec().getConfig().getLabels())
                    .as("docker commit carries the labels").containsEntry(NAME, name).containsEntry(INSTANCE, hostlet.instance());
            String copyName = name + "-debug";
            String copyId = engine.client().createContainerCmd(snap).withName(copyName)
                    .withEntrypoint("/bin/sh").withCmd("-c", "exec sleep 100000").exec().getId();
            try {
                engine.client().startContainerCmd(copyId).exec();
                assertThat(engine.running(copyName).getConfig().getLabels()).containsEntry(NAME, name);

                awaitPasses(4);

                InspectContainerResponse realNow = engine.running(name);
                assertThat(realNow.getId()).isEqualTo(real.getId());
                assertThat(realNow.getState().getStartedAt()).isEqualTo(real.getState().getStartedAt());
                InspectContainerResponse copyNow = engine.running(copyName);
                assertThat(copyNow.getId()).isEqualTo(copyId);
                assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running");
                assertThat(hostlet.containerStatus(copyName).isMissingNode()).as("%s in status", copyName).isTrue();
            } finally {
                engine.forceRemove(copyId);
            }
        } finally {
            engine.client().removeImageCmd(snap).withForce(true).exec();
        }
    }
}
