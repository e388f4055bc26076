package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The planted-symlink attack on the real engine: a container with an allowed writable bind plants {@code link -> /};
 * another manifest that binds through it, or anywhere inside that writable bind, gets nothing of the host; a running
 * container whose bind is turned into a link to a refused path is stopped, not removed, and status says why.
 */
class PlantedLinkIT {

    /** The only allowed root: a fresh folder, so the test needs nothing of the host's /srv. */
    static final Path ROOT = root();

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct("-Dhostlet.policy.host-paths=" + ROOT);

    private final TestEngine engine = hostlet.engine();

    private static Path root() {
        try {
            return Files.createTempDirectory("hostlet-binds").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> errors() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : hostlet.status().path("manifestErrors")) {
            out.add(e.path("file").asText() + ": " + e.path("message").asText());
        }
        return out;
    }

    @Test
    void aLinkPlantedThroughAWritableBindReachesNothingOfTheHost() throws IOException {
        String writer = hostlet.name("writer");
        Path a = Files.createDirectories(ROOT.resolve(writer));
        hostlet.write(writer + ".yaml", Manifest.container(writer)
                .shell("ln -s / /a/link && mkdir -p /a/dir && exec sleep 1000")
                .spec("volumes: [{hostPath: \"" + a + "\", mountPath: /a}]"));
        hostlet.awaitRunning(writer);
        await().until(() -> Files.isSymbolicLink(a.resolve("link")) && Files.isDirectory(a.resolve("dir")));

        String through = hostlet.name("through");
        String inside = hostlet.name("inside");
        hostlet.write(through + ".yaml", Manifest.container(through)
                .spec("volumes: [{hostPath: \"" + a + "/link\", mountPath: /host, readOnly: true}]"));
        // a plain folder now, but the writer can swap it for a link before any later create or start
        hostlet.write(inside + ".yaml", Manifest.container(inside)
                .spec("volumes: [{hostPath: \"" + a + "/dir\", mountPath: /d, readOnly: true}]"));

        await().untilAsserted(() -> {
            assertThat(errors()).anyMatch(e -> e.startsWith(through + ".yaml: ")
                    && e.contains("spec.volumes[0].hostPath: refused by policy baseline (rule hostPath): the container"
                    + " bind-mounts a sensitive host path: " + a + "/link (reaches /)"));
            assertThat(hostlet.containerStatus(inside).path("message").asText())
                    .contains("bind-mounts a path inside another container's writable bind: " + a + "/dir (inside " + a
                            + ", writable by " + writer + ")");
        });
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.container(through)).isEmpty();
            assertThat(engine.container(inside)).isEmpty();
        });
    }

    @Test
    void aRunningContainerWhoseBindBecomesALinkToARefusedPathIsStoppedNotRemoved() throws IOException {
        String victim = hostlet.name("victim");
        Path data = Files.createDirectories(ROOT.resolve(victim).resolve("data"));
        hostlet.write(victim + ".yaml", Manifest.container(victim)
                .spec("volumes: [{hostPath: \"" + data + "\", mountPath: /d, readOnly: true}]"));
        String id = hostlet.awaitRunning(victim).getId();
        assertThat(engine.running(victim).getMounts()).anyMatch(m -> data.toString().equals(m.getSource()));

        Path kept = data.resolveSibling("data.real");
        Files.move(data, kept);
        Files.createSymbolicLink(data, Path.of("/etc"));
        try {
            await().untilAsserted(() -> {
                InspectContainerResponse c = engine.existing(victim);
                assertThat(c.getId()).isEqualTo(id); // the same container: stopped, not removed or recreated
                assertThat(c.getState().getRunning()).isFalse();
                assertThat(hostlet.containerStatus(victim).path("message").asText()).contains("its bind mount " + data
                        + " now leads through a symlink to /etc (refused by policy baseline: reaches /etc)");
            });
            hostlet.holdsAcrossPasses(2, () -> {
                InspectContainerResponse c = engine.existing(victim);
                assertThat(c.getId()).isEqualTo(id);
                assertThat(c.getState().getRunning()).isFalse(); // not started again under restartPolicy Always
            });
        } finally {
            Files.delete(data);
            Files.move(kept, data);
        }
        // the link gone, it runs again
        await().untilAsserted(() -> assertThat(engine.running(victim).getId()).isEqualTo(id));
    }

    @Test
    void aManifestRefusedOnlyByStricterRulesAfterARestartKeepsItsRunningContainer() throws IOException {
        String app = hostlet.name("app");
        Path data = Files.createDirectories(ROOT.resolve(app));
        hostlet.write(app + ".yaml", Manifest.container(app).spec("volumes: [{hostPath: \"" + data + "\", mountPath: /d}]"));
        String id = hostlet.awaitRunning(app).getId();
        try {
            hostlet.restartWith("-Dhostlet.policy.host-paths=" + ROOT + ":ro"); // as an upgrade with stricter rules would
            await().untilAsserted(() -> {
                assertThat(errors()).anyMatch(e -> e.startsWith(app + ".yaml: ") && e.contains("bind-mounts writable a"
                        + " path that may only be bound read-only: " + data));
                assertThat(hostlet.containerStatus(app).path("message").asText())
                        .isEqualTo("manifest file " + app + ".yaml has errors; left as it is");
            });
            hostlet.holdsAcrossPasses(2, () -> assertThat(engine.running(app).getId()).isEqualTo(id));
        } finally {
            hostlet.restart();
        }
    }
}
