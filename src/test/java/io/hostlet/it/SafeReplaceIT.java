package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.SpecHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hostlet.it.TestEngine.NAME;
import static io.hostlet.it.TestEngine.SPEC_HASH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10, case 7: a recreate creates the replacement ({@code <name>.next-<hash8>}) before it touches the old
 * container, and when the replacement cannot be created or started, the old one keeps (or is again) running with the
 * same id, nothing of the attempt is left, and status says why. A replacement a crash left behind is finished on the
 * next pass: never two containers for one name, never none.
 */
class SafeReplaceIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    /** Every container hostlet made for {@code name}, by their Docker names (without the leading slash). */
    private List<String> containersFor(String name) {
        return engine.managedNamed(hostlet.instance(), name).stream()
                .map(c -> c.getNames()[0].substring(1)).sorted().toList();
    }

    private void assertOldStillServes(String name, InspectContainerResponse old) {
        InspectContainerResponse now = engine.running(name);
        assertThat(now.getId()).isEqualTo(old.getId());
        assertThat(now.getConfig().getEnv()).contains("MODE=one");
        assertThat(containersFor(name)).containsExactly(name); // no .next- left
    }

    @Test
    void aReplacementThatCannotStartLeavesTheOldRunningWithTheSameIdAndStatusSaysWhy() {
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "one"));
        InspectContainerResponse old = hostlet.awaitRunning(name);

        // A port already bound by a container hostlet does not manage: the replacement is created, but cannot start.
        int port = FreePort.find();
        String blocker = hostlet.name("blocker");
        String blockerId = engine.client().createContainerCmd(TestEngine.testImage()).withName(blocker)
                .withCmd("/bin/sh", "-c", "exec sleep 100000").withExposedPorts(ExposedPort.tcp(8080))
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(new Ports(
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", port), ExposedPort.tcp(8080)))))
                .exec().getId();
        try {
            engine.client().startContainerCmd(blockerId).exec();
            hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "two").port(8080, port));

            await().untilAsserted(() -> {
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("message").asText()).as("%s", s).contains("could not take over")
                        .contains(String.valueOf(port));
            });
            hostlet.holdsAcrossPasses(2, () -> {
                assertOldStillServes(name, old);
                assertThat(hostlet.containerStatus(name).path("message").asText()).contains("could not take over");
            });
        } finally {
            engine.forceRemove(blockerId);
        }

        // Fixed: the recreate goes through, under the real name, and only one container is left.
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "three").port(8080, port));
        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getConfig().getEnv()).contains("MODE=three");
            assertThat(now.getId()).isNotEqualTo(old.getId());
            assertThat(containersFor(name)).containsExactly(name);
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running");
        });
    }

    @Test
    void anImageTagTypoLeavesTheOldRunningWithTheSameId() {
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "one"));
        InspectContainerResponse old = hostlet.awaitRunning(name);

        String typo = TestEngine.testImage() + "-typo";
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "one").image(typo));

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("ImagePullBackOff");
            assertThat(s.path("message").asText()).contains(typo);
        });
        hostlet.holdsAcrossPasses(2, () -> assertOldStillServes(name, old));
    }

    /**
     * A crash between stopping the old container and starting its replacement, made by hand: hostlet is stopped, the
     * manifest changed, the old container stopped and the replacement created as hostlet names and labels it. The
     * next hostlet finishes the swap: the replacement runs under the real name, the old is gone.
     */
    @Test
    void aReplacementLeftByACrashMidSwapIsFinishedOnTheNextPass() {
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "one"));
        InspectContainerResponse old = hostlet.awaitRunning(name);
        hostlet.stop();
        try {
            Manifest two = Manifest.container(name).env("MODE", "two");
            hostlet.write(name + ".yaml", two);
            String hash = SpecHash.of(ManifestParser.parse(name + ".yaml", two.yaml()).manifests().get(0));
            engine.stop(name);
            Map<String, String> labels = new HashMap<>(old.getConfig().getLabels());
            labels.put(SPEC_HASH, hash);
            String replacement = name + ".next-" + hash.substring(0, 8);
            String replacementId = engine.client().createContainerCmd(TestEngine.testImage()).withName(replacement)
                    .withLabels(labels).withEnv("MODE=two").withCmd("/bin/sh", "-c", "exec sleep 100000")
                    .exec().getId();
            assertThat(containersFor(name)).containsExactly(name, replacement);

            hostlet.start();

            await().untilAsserted(() -> {
                InspectContainerResponse now = engine.running(name);
                assertThat(now.getId()).as("the replacement, finished").isEqualTo(replacementId);
                assertThat(containersFor(name)).containsExactly(name);
            });
            hostlet.holdsAcrossPasses(2, () -> {
                assertThat(engine.running(name).getId()).isEqualTo(replacementId);
                assertThat(containersFor(name)).containsExactly(name);
            });
        } finally {
            if (!hostlet.process().isRunning()) {
                hostlet.start();
            }
        }
    }

    /**
     * A crash right after the replacement was created, made by hand: the old one still serves; the next hostlet
     * removes the unfinished replacement and replaces the old one afresh. Exactly one container remains.
     */
    @Test
    void anUnstartedReplacementBesideARunningOldIsMadeAfresh() {
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", Manifest.container(name).env("MODE", "one"));
        InspectContainerResponse old = hostlet.awaitRunning(name);
        hostlet.stop();
        try {
            Manifest two = Manifest.container(name).env("MODE", "two");
            hostlet.write(name + ".yaml", two);
            String hash = SpecHash.of(ManifestParser.parse(name + ".yaml", two.yaml()).manifests().get(0));
            Map<String, String> labels = new HashMap<>(old.getConfig().getLabels());
            labels.put(SPEC_HASH, hash);
            String replacementId = engine.client().createContainerCmd(TestEngine.testImage())
                    .withName(name + ".next-" + hash.substring(0, 8)).withLabels(labels).withEnv("MODE=two")
                    .withCmd("/bin/sh", "-c", "exec sleep 100000").exec().getId();

            hostlet.start();

            await().untilAsserted(() -> {
                InspectContainerResponse now = engine.running(name);
                assertThat(now.getConfig().getEnv()).contains("MODE=two");
                assertThat(now.getId()).isNotIn(old.getId(), replacementId);
                assertThat(containersFor(name)).containsExactly(name);
                assertThat(engine.managedNamed(hostlet.instance(), name)).extracting(Container::getLabels)
                        .allSatisfy(l -> assertThat(l).containsEntry(NAME, name).containsEntry(SPEC_HASH, hash));
            });
        } finally {
            if (!hostlet.process().isRunning()) {
                hostlet.start();
            }
        }
    }
}
