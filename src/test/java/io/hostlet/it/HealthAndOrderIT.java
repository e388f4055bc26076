package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health checks (Docker HEALTHCHECK from the manifest, health in status and in the {@code containers} health
 * group, restarts of unhealthy containers) and start order ({@code dependsOn}, seen in the engine's start times).
 */
class HealthAndOrderIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    /** {@code m}'s YAML with extra spec lines (the {@link Manifest} builder knows no health checks or dependsOn). */
    private static String yaml(Manifest m, String... specLines) {
        StringBuilder b = new StringBuilder(m.yaml());
        for (String line : specLines) {
            b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }

    /** A check that passes once {@code /tmp/ready} exists, every second, unhealthy after one failure. */
    private static final String READY_CHECK =
            "healthcheck: {exec: [\"/bin/sh\", \"-c\", \"test -f /tmp/ready\"], interval: 1s, timeout: 1s, retries: 1}";

    private JsonNode containersGroup() {
        HttpResponse<String> r = hostlet.process().get("/q/health/group/containers");
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(r.body(), e);
        }
    }

    @Test
    void aHealthCheckIsSetOnTheContainerAndItsHealthShowsInStatusAndTheContainersGroup() {
        String name = hostlet.name("checked");
        hostlet.write(name + ".yaml", yaml(Manifest.container(name), READY_CHECK));

        InspectContainerResponse c = hostlet.awaitRunning(name);
        HealthCheck hc = c.getConfig().getHealthcheck();
        assertThat(hc.getTest()).containsExactly("CMD", "/bin/sh", "-c", "test -f /tmp/ready");
        assertThat(hc.getInterval()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(hc.getRetries()).isEqualTo(1);

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("health").asText()).as("%s", s).isEqualTo("unhealthy");
            assertThat(s.path("phase").asText()).as("restartOnUnhealthy is off: it keeps running").isEqualTo("Running");
            JsonNode group = containersGroup();
            assertThat(group.path("status").asText()).as("%s", group).isEqualTo("DOWN");
            assertThat(group.path("checks").get(0).path("data").path("notHealthy").asText()).contains(name + " (unhealthy)");
            assertThat(hostlet.readiness().body().path("checks").get(0).path("data").path("unhealthy").asInt()).isEqualTo(1);
        });

        engine.exec(name, "touch", "/tmp/ready");

        await().untilAsserted(() -> {
            assertThat(hostlet.containerStatus(name).path("health").asText()).isEqualTo("healthy");
            JsonNode group = containersGroup();
            assertThat(group.path("status").asText()).as("%s", group).isEqualTo("UP");
        });
        assertThat(engine.running(name).getId()).as("never restarted").isEqualTo(c.getId());
    }

    @Test
    void anHttpHealthCheckProbesThePortWithWget() {
        String name = hostlet.name("http");
        hostlet.write(name + ".yaml", yaml(Manifest.container(name).shell("exec httpd -f -p 8080 -h /www"),
                "healthcheck: {http: {port: 8080, path: /index.html}, interval: 1s, timeout: 1s}"));

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("health").asText()).as("%s", s).isEqualTo("healthy");
        });
        assertThat(engine.running(name).getConfig().getHealthcheck().getTest())
                .containsExactly("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/index.html");
    }

    @Test
    void aContainerWithoutHealthCheckHasNoHealthInStatus() {
        String name = hostlet.name("plain");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name);

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).isEqualTo("Running");
            assertThat(s.path("health").isNull()).as("%s", s).isTrue();
            assertThat(containersGroup().path("status").asText()).isEqualTo("UP");
        });
    }

    @Test
    void anUnhealthyContainerWithRestartOnUnhealthyIsRestartedWithBackoff() {
        String name = hostlet.name("sick");
        hostlet.write(name + ".yaml", yaml(Manifest.container(name),
                "healthcheck: {exec: [\"false\"], interval: 1s, timeout: 1s, retries: 1}",
                "restartOnUnhealthy: true"));
        InspectContainerResponse first = hostlet.awaitRunning(name);

        // The first restart is immediate, the next waits 10 s: within a few seconds exactly one restart.
        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).as("the same container, restarted").isEqualTo(first.getId());
            assertThat(TestEngine.startedAt(now)).isAfter(TestEngine.startedAt(first));
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("restarts").asInt()).as("%s", s).isEqualTo(1);
        });
        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("CrashLoopBackOff");
            assertThat(s.path("message").asText()).contains("back-off 10s");
        });
        Instant restartedAt = TestEngine.startedAt(engine.running(name));
        hostlet.holdsAcrossPasses(2, () ->
                assertThat(TestEngine.startedAt(engine.running(name))).as("backing off").isEqualTo(restartedAt));
    }

    @Test
    void aDependentIsStartedOnlyOnceItsDependencyIsHealthy() {
        String db = hostlet.name("db");
        String web = hostlet.name("web");
        hostlet.write(db + ".yaml",
                yaml(Manifest.container(db), READY_CHECK) + "---\n" + yaml(Manifest.container(web), "dependsOn: [{name: " + db + ", condition: healthy}]"));
        hostlet.awaitRunning(db);

        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.container(web)).as("web must wait for db").isEmpty();
            JsonNode s = hostlet.containerStatus(web);
            if (!s.isMissingNode()) {
                assertThat(s.path("phase").asText()).isEqualTo("Pending");
                assertThat(s.path("message").asText()).isEqualTo("waiting for " + db + " to be healthy");
            }
        });
        assertThat(hostlet.status().path("converged").asBoolean()).isFalse();

        Instant readyAt = Instant.now();
        engine.exec(db, "touch", "/tmp/ready");

        InspectContainerResponse w = hostlet.awaitRunning(web);
        InspectContainerResponse d = engine.running(db);
        assertThat(TestEngine.startedAt(w)).isAfter(readyAt).isAfter(TestEngine.startedAt(d));
        assertThat(w.getConfig().getLabels()).containsEntry("io.hostlet.depends-on", db);
        await().untilAsserted(() -> assertThat(hostlet.status().path("converged").asBoolean()).isTrue());
    }

    @Test
    void aDependentOnCompletedStartsAfterTheJobExitedZero() {
        String job = hostlet.name("migrate");
        String app = hostlet.name("app");
        hostlet.write(job + ".yaml",
                yaml(Manifest.container(job).restartPolicy("OnFailure").shell("sleep 2; exit 0")) + "---\n" + yaml(Manifest.container(app), "dependsOn: [{name: " + job + ", condition: completed}]"));

        InspectContainerResponse a = hostlet.awaitRunning(app);
        InspectContainerResponse j = engine.existing(job);
        assertThat(j.getState().getExitCodeLong()).isZero();
        assertThat(TestEngine.startedAt(a)).isAfterOrEqualTo(Instant.parse(j.getState().getFinishedAt()));
    }

    @Test
    void containersAreRemovedInReverseDependencyOrder() {
        String db = hostlet.name("db");
        String web = hostlet.name("web");
        String file = db + ".yaml";
        hostlet.write(file, yaml(Manifest.container(db)) + "---\n" + yaml(Manifest.container(web), "dependsOn: [{name: " + db + "}]"));
        hostlet.awaitRunning(web);

        hostlet.delete(file);

        AtomicReference<Instant> dbGone = new AtomicReference<>();
        AtomicReference<Instant> webGone = new AtomicReference<>();
        List<String> violations = new ArrayList<>();
        await().pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            boolean dbThere = engine.container(db).isPresent();
            boolean webThere = engine.container(web).isPresent();
            if (!dbThere && webThere) {
                violations.add("db gone while web still there");
            }
            if (!dbThere) {
                dbGone.compareAndSet(null, Instant.now());
            }
            if (!webThere) {
                webGone.compareAndSet(null, Instant.now());
            }
            assertThat(dbThere || webThere).isFalse();
        });
        assertThat(violations).isEmpty();
        assertThat(webGone.get()).isBeforeOrEqualTo(dbGone.get());
    }

    @Test
    void anUnknownDependencyIsAManifestErrorWithFileAndLine() {
        String web = hostlet.name("web");
        String file = web + ".yaml";
        String text = yaml(Manifest.container(web), "dependsOn:", "  - {name: nothing-" + web + "}");
        hostlet.write(file, text);
        int line = text.lines().toList().indexOf("    - {name: nothing-" + web + "}") + 1;

        await().untilAsserted(() -> {
            List<String> errors = new ArrayList<>();
            hostlet.status().path("manifestErrors").forEach(e -> errors.add(
                    e.path("file").asText() + ":" + e.path("line").asInt() + ": " + e.path("message").asText()));
            assertThat(errors).contains(file + ":" + line + ": spec.dependsOn[0].name: unknown container \"nothing-"
                    + web + "\" (no manifest defines it)");
        });
        hostlet.holdsAcrossPasses(2, () -> assertThat(engine.container(web)).isEmpty());
    }
}
