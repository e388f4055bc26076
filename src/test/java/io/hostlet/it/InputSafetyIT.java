package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Half-written, missing or hostile input never removes what runs and never stops the loop (issue 10, cases 4-6),
 * against the real engine.
 */
class InputSafetyIT {

    private static final String EMPTY_FILE =
            "file is empty; its last good version stays in force; delete the file to remove its containers";

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct( // the shipped defaults, which other ITs relax
            "-Dhostlet.prune.allow-empty=false", "-Dhostlet.prune.max-fraction=0.5");

    private final TestEngine engine = hostlet.engine();

    @Test
    void aManifestTruncatedToZeroBytesKeepsItsContainerRunningUntilTheFileIsDeleted() throws IOException {
        String web = hostlet.name("truncated");
        String other = hostlet.name("other");
        Path file = hostlet.write(web + ".yaml", Manifest.container(web));
        hostlet.write(other + ".yaml", Manifest.container(other));
        String id = hostlet.awaitRunning(web).getId();
        hostlet.awaitRunning(other);

        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            // what "> web.yaml" or an editor's first write does
        }

        await().untilAsserted(() -> assertThat(errorsOf(hostlet.status(), web + ".yaml")).containsExactly(EMPTY_FILE));
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.running(web).getId()).isEqualTo(id);
            assertThat(errorsOf(hostlet.status(), web + ".yaml")).containsExactly(EMPTY_FILE);
            assertThat(hostlet.containerStatus(web).path("message").asText()).contains("held");
        });

        hostlet.delete(web + ".yaml"); // deleting the file is how its container goes
        await().untilAsserted(() -> assertThat(engine.container(web)).isEmpty());
        assertThat(engine.running(other)).isNotNull();
    }

    @Test
    void anEmptiedFolderRemovesNothingAndSaysWhyUntilAnEmptySourceIsAllowed() {
        String a = hostlet.name("empty-a");
        String b = hostlet.name("empty-b");
        hostlet.write(a + ".yaml", Manifest.container(a));
        hostlet.write(b + ".yaml", Manifest.container(b));
        Map<String, String> ids = Map.of(a, hostlet.awaitRunning(a).getId(), b, hostlet.awaitRunning(b).getId());

        hostlet.delete(a + ".yaml");
        hostlet.delete(b + ".yaml");

        await().untilAsserted(() -> {
            HostletProcess.Health ready = hostlet.readiness();
            assertThat(ready.httpCode()).as("%s", ready).isEqualTo(503);
            assertThat(ready.body().toString()).contains("holds no manifests", "hostlet.prune.allow-empty=true");
        });
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.running(a).getId()).isEqualTo(ids.get(a));
            assertThat(engine.running(b).getId()).isEqualTo(ids.get(b));
            assertThat(hostlet.status().path("reason").asText()).contains("holds no manifests");
            assertThat(hostlet.containerStatus(a).path("message").asText()).startsWith("not removed:");
        });

        try {
            hostlet.restartWith("-Dhostlet.prune.allow-empty=true");
            await().untilAsserted(() -> {
                assertThat(engine.container(a)).isEmpty();
                assertThat(engine.container(b)).isEmpty();
            });
        } finally {
            hostlet.restart(); // the other tests run with the defaults
        }
    }

    @Test
    void deletingThreeOfFourFilesAtOnceRemovesNoneAndSaysSo() throws IOException {
        List<String> names = new ArrayList<>();
        String batch = hostlet.name("batch");
        for (int i = 0; i < 4; i++) {
            String n = hostlet.name("mass" + i);
            names.add(n);
            hostlet.write((i == 0 ? "" : batch + "/") + n + ".yaml", Manifest.container(n));
        }
        Map<String, String> ids = names.stream().collect(Collectors.toMap(Function.identity(),
                n -> hostlet.awaitRunning(n).getId()));

        // Three files go at once, as when a checkout or a mount drops them: the guard judges one pass at a time,
        // and files deleted one by one may be seen by several passes.
        Path dir = hostlet.manifestsDir();
        Files.move(dir.resolve(batch), dir.resolve("." + batch), StandardCopyOption.ATOMIC_MOVE);

        await().untilAsserted(() -> assertThat(hostlet.status().path("reason").asText())
                .contains("would remove 3 of the 4 managed containers", "hostlet.prune.max-fraction"));
        hostlet.holdsAcrossPasses(2, () -> {
            for (String n : names) {
                assertThat(engine.running(n).getId()).as(n).isEqualTo(ids.get(n));
            }
            for (String n : names.subList(1, 4)) {
                assertThat(hostlet.containerStatus(n).path("message").asText()).as(n)
                        .startsWith("not removed: this pass would remove 3 of the 4");
            }
            assertThat(hostlet.readiness().httpCode()).isEqualTo(503);
        });

        // Tidy up by hand: the guard would hold the removals the fixture waits for.
        hostlet.delete(names.get(0) + ".yaml");
        names.forEach(n -> engine.forceRemove(ids.get(n)));
    }

    @Test
    void aTenKilobyteGracePeriodIsAManifestErrorWhileOtherContainersAreStillHealed() {
        String bad = hostlet.name("grace");
        String healed = hostlet.name("healed");
        hostlet.write(bad + ".yaml", Manifest.container(bad).yaml()
                .replace("  stopGracePeriod: 1s\n", "  stopGracePeriod: " + "1m".repeat(5_000) + "\n"));
        hostlet.write(healed + ".yaml", Manifest.container(healed));
        InspectContainerResponse before = hostlet.awaitRunning(healed);

        await().untilAsserted(() -> {
            JsonNode error = errorNodes(hostlet.status(), bad + ".yaml").get(0);
            assertThat(error.path("line").asInt()).isPositive();
            assertThat(error.path("column").asInt()).isPositive();
            assertThat(error.path("message").asText()).contains("spec.stopGracePeriod: expected a duration");
        });

        Instant killedAt = Instant.now();
        engine.kill(healed);

        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(healed);
            if (now.getId().equals(before.getId())) {
                assertThat(TestEngine.startedAt(now)).isAfter(killedAt);
            }
        });
        assertThat(hostlet.process().livenessCode()).isEqualTo(200);
        assertThat(engine.container(bad)).isEmpty();
    }

    private static List<String> errorsOf(JsonNode status, String file) {
        return errorNodes(status, file).stream().map(e -> e.path("message").asText()).toList();
    }

    private static List<JsonNode> errorNodes(JsonNode status, String file) {
        List<JsonNode> out = new ArrayList<>();
        status.path("manifestErrors").forEach(e -> {
            if (file.equals(e.path("file").asText())) {
                out.add(e);
            }
        });
        return out;
    }
}
