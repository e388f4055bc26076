package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Containers that keep exiting: their restarts back off, and status says why they exit. */
class CrashLoopIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct().withOptions("-Dhostlet.status.log-tail=true");

    private final TestEngine engine = hostlet.engine();

    @Test
    void aCrashLoopingContainersRestartsSpreadOutAndStatusShowsExitCodeLogAndNextTry() {
        String name = hostlet.name("crash");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo \"boom at $(date +%s)\"; exit 3"));

        // restart count -> when that run started, as the engine says
        Map<Integer, Instant> starts = new TreeMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            engine.container(name).ifPresent(c -> {
                // before its first start the engine says it started in year 1
                if (c.getRestartCount() != null && c.getState().getStartedAt() != null
                        && !c.getState().getStartedAt().startsWith("0001-")) {
                    starts.putIfAbsent(c.getRestartCount(), TestEngine.startedAt(c));
                }
            });
            assertThat(starts.keySet()).anyMatch(k -> k >= 6);
        });
        List<Duration> gaps = new ArrayList<>();
        for (Map.Entry<Integer, Instant> e : starts.entrySet()) {
            Instant next = starts.get(e.getKey() + 1);
            if (next != null) {
                gaps.add(Duration.between(e.getValue(), next));
            }
        }
        assertThat(gaps).as("gaps between consecutive starts %s", starts).hasSizeGreaterThanOrEqualTo(2);
        assertThat(gaps.get(gaps.size() - 1)).as("backing off: %s", gaps)
                .isGreaterThan(gaps.get(0).multipliedBy(3))
                .isGreaterThan(Duration.ofSeconds(1));

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("CrashLoopBackOff");
            JsonNode loop = s.path("crashLoop");
            assertThat(loop.path("restarts").asInt()).as("%s", s).isGreaterThanOrEqualTo(6);
            assertThat(loop.path("exitCode").asInt()).isEqualTo(3);
            assertThat(loop.path("oomKilled").asBoolean()).isFalse();
            Instant exitAt = Instant.parse(loop.path("lastExitAt").asText());
            assertThat(Instant.parse(loop.path("nextTryAt").asText())).isAfter(exitAt);
            List<String> tail = new ArrayList<>();
            loop.path("logTail").forEach(l -> tail.add(l.asText()));
            assertThat(tail).isNotEmpty().hasSizeLessThanOrEqualTo(20).allMatch(l -> l.startsWith("boom at "));
            assertThat(s.path("message").asText()).contains("last exit code 3");
        });
        assertThat(hostlet.readiness().status()).isEqualTo("DOWN");
    }

    @Test
    void aContainerThatExitsZeroAtOnceUnderAlwaysGetsTheForegroundHint() {
        String name = hostlet.name("detached");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo started in the background; exit 0"));

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("CrashLoopBackOff");
            assertThat(s.path("crashLoop").path("exitCode").asInt(-1)).isZero();
            assertThat(s.path("message").asText()).contains("does not stay in the foreground");
        });
    }

    @Test
    void aContainerKilledForMemoryIsReportedAsOomKilled() {
        String name = hostlet.name("oom");
        String yaml = Manifest.container(name)
                .shell("echo filling memory; x=$(head -c 64000000 /dev/zero | tr '\\0' a); echo survived").yaml()
                + "  resources: {memory: 8Mi}\n";
        hostlet.write(name + ".yaml", yaml);

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("CrashLoopBackOff");
            assertThat(s.path("crashLoop").path("oomKilled").asBoolean()).as("%s", s).isTrue();
            assertThat(s.path("crashLoop").path("exitCode").asInt()).isEqualTo(137);
            assertThat(s.path("message").asText()).contains("out of memory");
        });
        InspectContainerResponse c = engine.existing(name);
        assertThat(c.getHostConfig().getMemory()).isEqualTo(8L << 20);
    }

    @Test
    void healthyContainersCarryNoCrashLoopDetails() {
        String name = hostlet.name("fine");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name);

        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).isEqualTo("Running");
            assertThat(s.has("crashLoop")).as("%s", s).isFalse();
        });
    }
}
