package io.hostlet.engine;

import io.hostlet.observed.ObservedContainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter on the raw answers recorded from each real engine (src/test/resources/engine-dialects, see the README
 * there): each difference between Docker 26, Docker 28 with the containerd store, Docker 29's API 1.52 and Podman 4.3
 * is pinned by the engine's own words.
 */
class EngineDialectsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static InputStream fixture(String kind, String file) {
        InputStream in = EngineDialectsTest.class.getResourceAsStream("/engine-dialects/" + kind + "/" + file);
        assertThat(in).as(kind + "/" + file).isNotNull();
        return in;
    }

    private static JsonNode json(String kind, String file) throws IOException {
        try (InputStream in = fixture(kind, file)) {
            return JSON.readTree(in);
        }
    }

    private static EngineDialect dialect(String kind) throws IOException {
        return EngineDialect.of(json(kind, "version.json"));
    }

    private static Map<String, ObservedContainer> list(String kind, EngineDialect d) throws IOException {
        Map<String, ObservedContainer> byName = new HashMap<>();
        try (InputStream in = fixture(kind, "containers-list.json")) {
            ContainerListJson.decode(in, d).forEach(c -> byName.put(c.name(), c));
        }
        return byName;
    }

    @Test
    void versionNamesTheEngine() throws IOException {
        assertThat(dialect("podman")).isEqualTo(new EngineDialect(true, "4.3.1", "1.41"));
        assertThat(dialect("podman").describe()).isEqualTo("Podman 4.3.1 (API 1.41)");
        assertThat(dialect("docker28")).isEqualTo(new EngineDialect(false, "28.5.2+dfsg4", "1.51"));
        assertThat(dialect("docker26").describe()).isEqualTo("Docker 26.1.5+dfsg1 (API 1.45)");
        assertThat(dialect("docker28").apiAtLeast(1, 44)).isTrue();
        assertThat(dialect("docker28").apiAtLeast(1, 52)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker26", "docker28"})
    void dockerSaysHealthInTheListStatusText(String kind) throws IOException {
        Map<String, ObservedContainer> cs = list(kind, dialect(kind));
        assertThat(cs.get("fx-health").health()).isEqualTo(ObservedContainer.Health.HEALTHY);
        assertThat(cs.get("fx-plain").health()).isEqualTo(ObservedContainer.Health.NONE);
        assertThat(cs.get("fx-exited").exitCode()).isEqualTo(3);
        assertThat(cs.get("fx-plain").image()).isEqualTo("hostlet-test/busybox:1");
    }

    @Test
    void api152HasAStructuredHealthField() throws IOException {
        // The Status text of this list says nothing of health: only the Health object does.
        Map<String, ObservedContainer> cs = list("docker29-api1.52", dialect("docker28"));
        assertThat(cs.get("fx-health").health()).isEqualTo(ObservedContainer.Health.HEALTHY);
        assertThat(cs.get("fx-plain").health()).isEqualTo(ObservedContainer.Health.NONE);
        assertThat(cs.get("fx-exited").exitCode()).isEqualTo(3);
    }

    @Test
    void podmansListHasNoHealthItsOwnListHas() throws IOException {
        EngineDialect d = dialect("podman");
        List<ObservedContainer> listed = new ArrayList<>(list("podman", d).values());
        assertThat(listed).allMatch(c -> c.health() == ObservedContainer.Health.NONE);
        assertThat(d.healthFromLibpodList()).isTrue();
        Map<String, ObservedContainer.Health> health;
        try (InputStream in = fixture("podman", "libpod-containers-list.json")) {
            health = LibpodListJson.health(in);
        }
        Map<String, ObservedContainer> merged = new HashMap<>();
        LibpodListJson.withHealth(listed, health).forEach(c -> merged.put(c.name(), c));
        assertThat(merged.get("fx-health").health()).isEqualTo(ObservedContainer.Health.HEALTHY);
        assertThat(merged.get("fx-plain").health()).isEqualTo(ObservedContainer.Health.NONE);
        assertThat(merged.get("fx-exited").exitCode()).isEqualTo(3);
    }

    @Test
    void podmansLocalhostPrefixIsNotPartOfTheName() throws IOException {
        JsonNode raw = json("podman", "containers-list.json");
        assertThat(raw.get(0).path("Image").asText()).startsWith("localhost/");
        assertThat(list("podman", dialect("podman")).values())
                .extracting(ObservedContainer::image).containsOnly("hostlet-test/busybox:1");
        assertThat(json("podman", "images-list.json").findValuesAsText("RepoTags").toString()).isNotNull();
        assertThat(dialect("podman").imageName(json("podman", "images-list.json").get(0).path("RepoTags").get(0).asText()))
                .isEqualTo("hostlet-test/busybox:1");
        // A Docker registry may be called localhost: Docker's names are left alone.
        assertThat(dialect("docker28").imageName("localhost/app:1")).isEqualTo("localhost/app:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker26", "docker28", "podman"})
    void aTakenNameIsAConflictOnEveryEngine(String kind) throws IOException {
        JsonNode e = json(kind, "error-name-conflict.json");
        assertThat(EngineErrors.kind(e.path("status").asInt(), e.path("body").path("message").asText()))
                .isEqualTo(EngineException.Kind.CONFLICT);
    }

    @Test
    void podmanAnswersATakenNameWith500() throws IOException {
        assertThat(json("podman", "error-name-conflict.json").path("status").asInt()).isEqualTo(500);
        assertThat(EngineErrors.kind(500, "creating container storage: no space left on device"))
                .isEqualTo(EngineException.Kind.FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker26", "docker28", "podman"})
    void aMissingImageIsSeenOnEveryEngine(String kind) throws IOException {
        JsonNode e = json(kind, "error-no-such-image.json");
        assertThat(EngineErrors.imageMissing(e.path("status").asInt(), e.path("body").path("message").asText())).isTrue();
        JsonNode gone = json(kind, "error-not-found.json");
        assertThat(EngineErrors.imageMissing(gone.path("status").asInt(), gone.path("body").path("message").asText()))
                .isFalse();
        assertThat(EngineErrors.kind(gone.path("status").asInt(), gone.path("body").path("message").asText()))
                .isEqualTo(EngineException.Kind.NOT_FOUND);
    }

    @Test
    void docker26RefusesToRenameWhatItRestarts() throws IOException {
        JsonNode e = json("docker26", "error-rename-restarting.json");
        assertThat(EngineErrors.renameWhileRestarting(e.path("status").asInt(), e.path("body").path("message").asText()))
                .isTrue();
        for (String kind : List.of("docker26", "docker28", "podman")) {
            JsonNode gone = json(kind, "error-not-found.json");
            assertThat(EngineErrors.renameWhileRestarting(gone.path("status").asInt(),
                    gone.path("body").path("message").asText())).as(kind).isFalse();
        }
    }

    /** How many of the recorded events of {@code kind} ask for a pass, with {@code probes} extra health events. */
    private static int newsIn(String kind, int probes, AtomicInteger inspects) throws IOException {
        HealthEvents h = new HealthEvents(dialect(kind), id -> {
            inspects.incrementAndGet();
            return "healthy";
        });
        int news = 0;
        List<JsonNode> events = new ArrayList<>();
        json(kind, "events.json").forEach(events::add);
        JsonNode health = events.stream().filter(e -> e.path("Action").asText().startsWith("health_status"))
                .findFirst().orElseThrow();
        for (int i = 0; i < probes; i++) {
            events.add(health);
        }
        for (JsonNode e : events) {
            Map<String, String> attrs = new HashMap<>();
            e.path("Actor").path("Attributes").fields().forEachRemaining(f -> attrs.put(f.getKey(), f.getValue().asText()));
            if (h.changed(e.path("Actor").path("ID").asText(), e.path("Action").asText(), attrs)) {
                news++;
            }
        }
        return news;
    }

    @Test
    void podmansHealthEventOnEveryProbeAsksForOnePass() throws IOException {
        AtomicInteger inspects = new AtomicInteger();
        int all = json("podman", "events.json").size();
        // The recorded stream has one health event; ten more probes with the same result add no pass.
        assertThat(newsIn("podman", 10, inspects)).isEqualTo(all);
        assertThat(inspects.get()).as("4.3's events carry no status: one inspect each").isEqualTo(11);
    }

    @Test
    void dockersHealthEventsCarryTheirStatusAndCome() throws IOException {
        AtomicInteger inspects = new AtomicInteger();
        int all = json("docker28", "events.json").size();
        assertThat(newsIn("docker28", 2, inspects)).isEqualTo(all + 2);
        assertThat(inspects.get()).isZero();
        assertThat(HealthEvents.status("health_status: unhealthy", Map.of())).isEqualTo("unhealthy");
        assertThat(HealthEvents.status("health_status", Map.of("health_status", "healthy"))).isEqualTo("healthy");
        assertThat(HealthEvents.status("health_status", Map.of())).isNull();
    }

    @Test
    void podmanHasNoDistributionInspectSoItsCheckIsAPullWhenNewer() throws IOException {
        assertThat(json("podman", "error-distribution.json").path("status").asInt()).isEqualTo(404);
        try (InputStream in = fixture("podman", "libpod-pull-unchanged.jsonl")) {
            assertThat(PodmanRegistryCheck.pulledId("check", in))
                    .isEqualTo("ff412c17f03ddf5e0079556efd65c75962d58bab37bd9b703db097b1ccb076d9");
        }
        try (InputStream in = fixture("podman", "libpod-pull-unknown.jsonl")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PodmanRegistryCheck.pulledId("check", in))
                    .isInstanceOfSatisfying(EngineException.class,
                            e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.PULL_FAILED))
                    .hasMessageContaining("manifest unknown");
        }
        // Podman keeps every digest it saw for a repository; the one pulled last is the registry's now.
        assertThat(PodmanRegistryCheck.lastDigest("127.0.0.1:5019/t/bb", List.of("127.0.0.1:5019/t/bb@sha256:b7ce",
                "127.0.0.1:5019/t/bb@sha256:d29a", "hostlet-test/busybox@sha256:d29a"))).isEqualTo("sha256:d29a");
        assertThat(PodmanRegistryCheck.repository("127.0.0.1:5019/t/bb:1")).isEqualTo("127.0.0.1:5019/t/bb");
    }

    @Test
    void podmansRepoDigestsAreWrittenAsDockersAre() throws IOException {
        EngineDialect podman = dialect("podman");
        assertThat(podman.repoDigest("docker.io/library/busybox@sha256:1")).isEqualTo("busybox@sha256:1");
        assertThat(podman.repoDigest("localhost/hostlet-test/busybox@sha256:1")).isEqualTo("hostlet-test/busybox@sha256:1");
        assertThat(dialect("docker28").repoDigest("docker.io/library/busybox@sha256:1"))
                .isEqualTo("docker.io/library/busybox@sha256:1");
    }
}
