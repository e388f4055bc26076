package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /q/metrics} as an operator uses it: a real Prometheus scrapes the packaged hostlet with the shipped alert
 * rules loaded, and PromQL through its HTTP API agrees with {@code /api/v1/status}; every dashboard query runs and
 * returns data; no metric label carries a container name.
 */
class MetricsIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private static final Path MONITORING = Path.of("deploy", "monitoring");
    private static final Set<String> ALERTS = Set.of("HostletDown", "HostletNotScraped", "HostletEngineDown",
            "HostletNoRecentPass", "HostletNotConverged", "HostletManifestErrors", "HostletContainersCrashLooping",
            "HostletContainersFailing", "HostletImagePullsFailing");

    @Test
    void prometheusScrapesHostletAndItsNumbersAgreeWithStatus() throws Exception {
        assumeTrue(Files.isExecutable(LocalPrometheus.BINARY), "Debian's prometheus is not installed");
        String a = hostlet.name("prom-a");
        String b = hostlet.name("prom-b");
        hostlet.write(a + ".yaml", Manifest.container(a));
        hostlet.write(b + ".yaml", Manifest.container(b));
        hostlet.awaitRunning(a);
        hostlet.awaitRunning(b);
        await().untilAsserted(() -> assertThat(hostlet.status().path("converged").asBoolean()).isTrue());

        try (LocalPrometheus prometheus = new LocalPrometheus(hostlet.process().port(),
                MONITORING.resolve("hostlet-alerts.yml"))) {
            await().untilAsserted(() -> {
                JsonNode targets = prometheus.api("/api/v1/targets").path("activeTargets");
                assertThat(targets).hasSize(1);
                assertThat(targets.get(0).path("health").asText()).as("%s", targets).isEqualTo("up");
            });
            await().untilAsserted(() -> {
                long running = 0;
                for (JsonNode c : hostlet.status().path("containers")) {
                    running += "Running".equals(c.path("phase").asText()) ? 1 : 0;
                }
                assertThat(running).isEqualTo(2);
                assertThat(prometheus.single("hostlet_containers{phase=\"Running\"}")).isEqualTo((double) running);
                assertThat(prometheus.single("hostlet_converged")).isEqualTo(1.0);
            });
            assertThat(prometheus.single("hostlet_engine_up")).isEqualTo(1.0);
            assertThat(prometheus.single("hostlet_manifest_errors")).isEqualTo(0.0);
            assertThat(prometheus.single("hostlet_containers{phase=\"CrashLoopBackOff\"}")).isEqualTo(0.0);
            assertThat(prometheus.single("hostlet_reconcile_passes_total")).isPositive();
            assertThat(prometheus.single("hostlet_reconcile_duration_seconds_count")).isPositive();
            assertThat(prometheus.single("hostlet_actions_total{action=\"CreateContainer\",result=\"ok\"}"))
                    .isGreaterThanOrEqualTo(2.0);
            assertThat(prometheus.single("time() - hostlet_last_pass_timestamp_seconds"))
                    .as("a pass within a few resync intervals (2 s here)").isLessThan(30.0);
            assertThat(prometheus.single("up{job=\"hostlet\"}")).as("the job the alert rules expect").isEqualTo(1.0);
            assertThat(prometheus.single("count(jvm_memory_used_bytes)")).as("JVM metrics").isPositive();
            assertThat(prometheus.single("process_cpu_usage")).as("process metrics").isNotNull();

            // the rules are loaded and evaluate cleanly against the real series; none of them fires on a healthy host
            await().untilAsserted(() -> {
                Set<String> loaded = new TreeSet<>();
                for (JsonNode group : prometheus.api("/api/v1/rules").path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        loaded.add(rule.path("name").asText());
                        assertThat(rule.path("health").asText()).as("%s", rule).isEqualTo("ok");
                        assertThat(rule.path("state").asText()).as("%s", rule).isEqualTo("inactive");
                    }
                }
                assertThat(loaded).isEqualTo(ALERTS);
            });

            // every query of the shipped dashboard runs and returns data
            List<String> queries = dashboardQueries();
            assertThat(queries).hasSizeGreaterThan(10);
            for (String q : queries) {
                await().untilAsserted(() -> assertThat(prometheus.query(q).path("result")).as(q).isNotEmpty());
            }
        }
    }

    @Test
    void noMetricCarriesAContainerName() {
        String name = hostlet.name("label-probe");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name);
        String unknown = hostlet.name("no-such-container");
        // requests whose paths hold names: an HTTP metric labelled by raw path would keep one series per name
        for (String path : List.of("/api/v1/status", "/api/v1/containers/" + name,
                "/api/v1/containers/" + name + "/logs?tail=1", "/api/v1/containers/" + unknown,
                "/api/v1/events?name=" + name, "/" + unknown)) {
            hostlet.process().get(path);
        }
        hostlet.awaitPasses(2);

        HttpResponse<String> metrics = hostlet.process().get("/q/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("hostlet_containers{phase=\"Running\"")
                .doesNotContain(name).doesNotContain(unknown).doesNotContain(hostlet.instance());
        Set<String> uris = new TreeSet<>();
        Matcher m = Pattern.compile("http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"").matcher(metrics.body());
        while (m.find()) {
            uris.add(m.group(1));
        }
        assertThat(uris).as("HTTP server metrics are on, by route template").contains("/api/v1/status");
    }

    /** The dashboard's PromQL with its variables set as Grafana would for this one hostlet. */
    private static List<String> dashboardQueries() throws Exception {
        JsonNode d = new ObjectMapper().readTree(MONITORING.resolve("hostlet-dashboard.json").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.add(t.path("expr").asText()
                        .replace("$job", LocalPrometheus.JOB)
                        .replace("$instance", ".*")
                        .replace("$__rate_interval", "30s"));
            }
        }
        return out;
    }
}
