package io.hostlet.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostlet.execute.Outcome;
import io.hostlet.plan.Step;
import io.hostlet.reconcile.PassReport;
import io.hostlet.status.HostStatus;
import io.hostlet.status.PassStats;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files in {@code deploy/monitoring/}: the alert rules pass {@code promtool check rules} and their own unit tests
 * ({@code promtool test rules}), the example scrape config passes {@code promtool check config}, the dashboard is
 * Grafana JSON with the data source as a variable, and both name only metrics hostlet exposes (and the dashboard
 * every one of them). MetricsIT runs them against a real Prometheus scraping a real hostlet.
 */
class MonitoringFilesTest {

    static final Path DIR = Path.of("deploy", "monitoring");
    private static final Pattern HOSTLET_NAME = Pattern.compile("hostlet_[a-z_]+");

    @Test
    void alertRulesPassPromtoolsCheck() throws Exception {
        assertThat(promtool("check", "rules", "hostlet-alerts.yml")).contains("SUCCESS: 9 rules found");
    }

    @Test
    void alertRulesFireAsTheirUnitTestsSay() throws Exception {
        assertThat(promtool("test", "rules", "hostlet-alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void theExampleScrapeConfigIsValidAndLoadsTheRules() throws Exception {
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void theDashboardTakesItsDataSourceFromAVariable() throws IOException {
        JsonNode d = new ObjectMapper().readTree(DIR.resolve("hostlet-dashboard.json").toFile());

        assertThat(d.path("title").asText()).isEqualTo("hostlet");
        JsonNode ds = null;
        for (JsonNode v : d.path("templating").path("list")) {
            if ("datasource".equals(v.path("type").asText())) {
                ds = v;
            }
        }
        assertThat(ds).as("a datasource variable").isNotNull();
        assertThat(ds.path("query").asText()).isEqualTo("prometheus");
        String ref = "${" + ds.path("name").asText() + "}";
        List<JsonNode> panels = new ArrayList<>();
        d.path("panels").forEach(panels::add);
        assertThat(panels).filteredOn(p -> !"row".equals(p.path("type").asText())).isNotEmpty().allSatisfy(p -> {
            assertThat(p.path("datasource").path("uid").asText()).as("panel %s", p.path("title")).isEqualTo(ref);
            assertThat(p.path("targets")).as("panel %s", p.path("title")).isNotEmpty();
            p.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo(ref));
        });
        assertThat(panels).extracting(p -> p.path("id").asInt()).doesNotHaveDuplicates();
    }

    @Test
    void theDashboardShowsEveryHostletMetricAndTheFilesNameNoOtherOnes() throws IOException {
        String dashboard = Files.readString(DIR.resolve("hostlet-dashboard.json"), StandardCharsets.UTF_8);
        String alerts = Files.readString(DIR.resolve("hostlet-alerts.yml"), StandardCharsets.UTF_8);
        Exposition exposed = exposition();

        assertThat(names(dashboard)).as("metrics the dashboard queries").isSubsetOf(exposed.samples());
        assertThat(names(alerts)).as("metrics the alert rules use").isSubsetOf(exposed.samples());
        for (String family : exposed.families()) {
            if (family.equals("hostlet_reconcile_duration_seconds_max") || family.equals("hostlet_resync_interval_seconds")) {
                continue; // Micrometer's max of a timer (the histogram shows more); the resync interval is for alerts
            }
            assertThat(dashboard).as("the dashboard shows %s", family).contains(family);
        }
        assertThat(alerts).contains("hostlet_resync_interval_seconds");
    }

    /** Every {@code hostlet_*} name in {@code text}. */
    static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = HOSTLET_NAME.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The hostlet metric families (from {@code # TYPE}) and sample names PassMetrics exposes after a pass. */
    record Exposition(Set<String> families, Set<String> samples) {
    }

    static Exposition exposition() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PassMetrics metrics = new PassMetrics(registry, Duration.ofSeconds(30));
        HostStatus s = new HostStatus(true, Instant.EPOCH, true, true, null, List.of(), List.of(), null,
                new PassStats(1, 3, 1, 0, 0, false), List.of());
        metrics.passEnded(new PassReport(1, Instant.EPOCH, null, null, null, true, List.of(new Outcome(
                new Step.StartContainer("id", "web", "h", false, "created"), null, List.of())), s, null));
        Set<String> families = new TreeSet<>();
        Set<String> samples = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith("# TYPE hostlet_")) {
                families.add(line.split(" ")[2]);
            } else if (line.startsWith("hostlet_")) {
                samples.add(line.split("[{ ]")[0]);
            }
        }
        return new Exposition(families, samples);
    }

    /** Runs promtool in {@code deploy/monitoring}; returns its output, failing on a non-zero exit. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        assumeTrue(onPath("promtool"), "promtool is not installed (Debian: apt-get install prometheus)");
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
        return out;
    }

    static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
