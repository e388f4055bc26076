package io.hostlet.desired.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.hostlet.it.HostletFixture;
import io.hostlet.it.Manifest;
import io.hostlet.it.TestEngine;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.SpecHash;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.hostlet.desired.git.Upstream.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13 with a git source, against the real engine and a real repository: status shows, per container, the
 * commit it runs and, after a rollback, the commit it refused, whether the refused container could not start or
 * failed its gate; a later commit that changes nothing in the refused spec does not try it again, and a commit that
 * changes it is applied normally.
 *
 * <p>The repository is made before the fixture, whose hostlet follows it ({@code hostlet.git.url}) instead of its
 * folder; a first commit without manifests makes the branch exist before hostlet's first fetch.
 */
class UpdateFromGitIT {

    private static final String REVISION = "io.hostlet.revision";
    private static final Path TMP = tempDir();
    private static final Upstream UPSTREAM = new Upstream(TMP.resolve("upstream"));

    static {
        UPSTREAM.push("empty", files("README.md", "manifests of UpdateFromGitIT\n"));
    }

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct(
            "-Dhostlet.git.url=" + UPSTREAM.url(),
            "-Dhostlet.git.poll-interval=1s",
            "-Dhostlet.git.dir=" + TMP.resolve("checkout"));

    private final TestEngine engine = hostlet.engine();

    @AfterAll
    static void removeRepository() throws IOException {
        UPSTREAM.close();
        try (Stream<Path> s = Files.walk(TMP)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void statusShowsTheCommitItRunsAndTheCommitsItRefusedThenTheNextGoodCommitIsApplied() {
        String name = hostlet.name("web");
        String file = name + ".yaml";
        try {
            RevCommit v1 = UPSTREAM.push("web v1", files(file, Manifest.container(name).env("MODE", "one").yaml()));
            InspectContainerResponse old = await().until(() -> engine.running(name),
                    c -> v1.name().equals(c.getConfig().getLabels().get(REVISION)));
            await().untilAsserted(() -> {
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
                assertThat(s.path("revision").asText()).as("the commit it runs").isEqualTo(v1.name());
                assertThat(s.has("rolledBack")).isFalse();
            });

            // v2 cannot start at all (no such executable): refused when its start fails, before any gate.
            Manifest unstartable = Manifest.container(name).env("MODE", "two").command("/no/such/binary")
                    .spec("update: {minReady: 3s, progressDeadline: 20s}");
            RevCommit v2 = UPSTREAM.push("web v2: cannot start", files(file, unstartable.yaml()));
            JsonNode second = awaitRefused(name, unstartable, v2, v1, old.getId(), null);
            assertThat(second.path("rolledBack").path("reason").asText()).startsWith("the new container");

            // v3 starts, takes the name and exits after 2 s, so it cannot run minReady (3 s): refused by its gate.
            Manifest crashing = Manifest.container(name).env("MODE", "three").shell("sleep 2; exit 3")
                    .spec("update: {minReady: 3s, progressDeadline: 20s}");
            RevCommit v3 = UPSTREAM.push("web v3: crashes", files(file, crashing.yaml()));
            JsonNode third = awaitRefused(name, crashing, v3, v1, old.getId(),
                    second.path("rolledBack").path("at").asText());
            assertThat(third.path("rolledBack").path("reason").asText())
                    .matches("the new container (exited with code 3|keeps exiting|restarted).*");
            assertThat(hostlet.process().get("/api/v1/events?name=" + name).body())
                    .as("events naming the refused commits").contains("\"rolled-back\"")
                    .contains(v2.name()).contains(v3.name());

            // A commit that leaves the manifest as it is is no reason to try the refused spec again.
            String refusedAt = third.path("rolledBack").path("at").asText();
            RevCommit other = UPSTREAM.push("docs only", files("README.md", "the manifests of UpdateFromGitIT\n"
                    + "(a commit that changes no manifest)\n"));
            await().untilAsserted(() -> assertThat(hostlet.status().path("source").path("commit").asText())
                    .isEqualTo(other.name()));
            hostlet.holdsAcrossPasses(2, () -> {
                assertThat(engine.running(name).getId()).isEqualTo(old.getId());
                assertThat(containersFor(name)).containsExactly(name);
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).isEqualTo("RolledBack");
                assertThat(s.path("rolledBack").path("at").asText()).as("not tried again").isEqualTo(refusedAt);
                assertThat(s.path("rolledBack").path("refusedRevision").asText()).isEqualTo(v3.name());
                assertThat(s.path("revision").asText()).isEqualTo(v1.name());
            });

            // v4 changes the manifest again, for the good: applied normally, and the refusal is gone.
            RevCommit v4 = UPSTREAM.push("web v4", files(file, Manifest.container(name).env("MODE", "four").yaml()));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                InspectContainerResponse now = engine.running(name);
                assertThat(now.getId()).isNotEqualTo(old.getId());
                assertThat(now.getConfig().getEnv()).contains("MODE=four");
                assertThat(now.getConfig().getLabels()).containsEntry(REVISION, v4.name());
                assertThat(containersFor(name)).containsExactly(name);
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
                assertThat(s.path("revision").asText()).isEqualTo(v4.name());
                assertThat(s.has("rolledBack")).isFalse();
            });
            JsonNode described = json(hostlet.process().get("/api/v1/containers/" + name).body());
            assertThat(described.path("revision").asText()).isEqualTo(v4.name());
            assertThat(described.has("rolledBack")).isFalse();
        } finally {
            // The repository, not the fixture, holds the manifest: dropping it lets hostlet remove the container.
            UPSTREAM.push("drop web", files(file, null));
        }
    }

    /**
     * Waits until {@code name} is rolled back from {@code refused} (a rollback newer than {@code after}, when given)
     * and asserts, across passes, that the very container of {@code runs} serves again while status names both
     * commits; returns the container's status entry.
     */
    private JsonNode awaitRefused(String name, Manifest manifest, RevCommit refused, RevCommit runs, String oldId,
                                  String after) {
        JsonNode s = await().atMost(Duration.ofSeconds(60)).until(() -> hostlet.containerStatus(name),
                n -> "RolledBack".equals(n.path("phase").asText())
                        && !n.path("rolledBack").path("at").asText().equals(after));
        assertThat(s.path("rolledBack").path("refusedRevision").asText()).as("%s", s).isEqualTo(refused.name());
        assertThat(s.path("rolledBack").path("failedSpecHash").asText()).isEqualTo(hashOf(manifest));
        assertThat(s.path("message").asText()).contains("rolled back").contains("revision " + refused.name());
        assertThat(s.path("revision").asText()).as("it runs the old commit, not the one in force")
                .isEqualTo(runs.name());
        JsonNode described = json(hostlet.process().get("/api/v1/containers/" + name).body());
        assertThat(described.path("phase").asText()).as("%s", described).isEqualTo("RolledBack");
        assertThat(described.path("revision").asText()).isEqualTo(runs.name());
        assertThat(described.path("message").asText()).contains("revision " + refused.name());
        assertThat(described.path("rolledBack").path("refusedRevision").asText()).as("the container view has it too")
                .isEqualTo(refused.name());
        assertThat(hostlet.status().path("source").path("commit").asText()).isEqualTo(refused.name());
        hostlet.holdsAcrossPasses(2, () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).as("the very container it replaced").isEqualTo(oldId);
            assertThat(now.getConfig().getLabels()).containsEntry(REVISION, runs.name());
            assertThat(now.getConfig().getEnv()).contains("MODE=one");
            assertThat(containersFor(name)).containsExactly(name);
            JsonNode n = hostlet.containerStatus(name);
            assertThat(n.path("phase").asText()).isEqualTo("RolledBack");
            assertThat(n.path("revision").asText()).isEqualTo(runs.name());
            assertThat(n.path("rolledBack").path("refusedRevision").asText()).isEqualTo(refused.name());
        });
        return s;
    }

    private List<String> containersFor(String name) {
        return engine.managedNamed(hostlet.instance(), name).stream()
                .map(c -> c.getNames()[0].substring(1)).sorted().toList();
    }

    private static String hashOf(Manifest m) {
        return SpecHash.of(ManifestParser.parse("x.yaml", m.yaml()).manifests().get(0));
    }

    private static JsonNode json(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hostlet-update-git-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
