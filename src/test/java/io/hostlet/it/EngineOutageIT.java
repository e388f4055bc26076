package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** hostlet behind an {@link EngineProxy}: the engine goes away and comes back. */
class EngineOutageIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.throughProxy();

    private final TestEngine engine = hostlet.engine();

    @Test
    void readinessIsDownWhileTheEngineIsUnreachableAndUpAgainOnceItReturns() {
        String name = hostlet.name("outage");
        hostlet.write(name + ".yaml", Manifest.container(name));
        String id = hostlet.awaitRunning(name).getId();
        await().untilAsserted(() -> assertThat(hostlet.readiness().httpCode()).isEqualTo(200));

        hostlet.proxy().stop();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HostletProcess.Health ready = hostlet.readiness();
            assertThat(ready.httpCode()).as("%s", ready).isEqualTo(503);
            assertThat(ready.status()).isEqualTo("DOWN");
            assertThat(ready.body().path("checks")).anySatisfy(check -> {
                assertThat(check.path("status").asText()).isEqualTo("DOWN");
                assertThat(check.path("data").path("reason").asText()).isNotBlank();
            });
        });
        assertThat(hostlet.process().livenessCode()).as("liveness during the outage").isEqualTo(200);
        assertThat(engine.running(name).getId()).isEqualTo(id);

        hostlet.proxy().start();

        await().untilAsserted(() -> {
            HostletProcess.Health ready = hostlet.readiness();
            assertThat(ready.httpCode()).as("%s", ready).isEqualTo(200);
            assertThat(ready.status()).isEqualTo("UP");
        });
        assertThat(engine.running(name).getId()).isEqualTo(id);
        assertThat(engine.managedNamed(hostlet.instance(), name)).hasSize(1);
    }

    @Test
    void aChangeMadeWhileTheEngineIsUnreachableIsAppliedOnceItReturns() {
        String name = hostlet.name("later");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name).env("MODE", "before"));
        String id = hostlet.awaitRunning(name).getId();

        hostlet.proxy().stop();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(hostlet.readiness().httpCode()).isEqualTo(503));
        Instant outage = engine.markEvents(id);
        hostlet.write(file, Manifest.container(name).env("MODE", "after"));
        // A whole pass began after the change (passes go on, numbered, while the engine is unreachable): hostlet has
        // read the new manifest and tried the engine. The engine's own log, read up to the moment it is reachable
        // again, shows the old container was not touched meanwhile.
        hostlet.awaitPasses(2);
        assertThat(engine.eventsSince(id, outage)).as("what the engine did to %s during the outage", name)
                .doesNotContainAnyElementsOf(List.of("kill", "stop", "die", "restart", "destroy"));
        assertThat(engine.running(name).getId()).isEqualTo(id);
        hostlet.proxy().start();

        await().untilAsserted(() -> {
            assertThat(engine.running(name).getId()).isNotEqualTo(id);
            assertThat(engine.running(name).getConfig().getEnv()).contains("MODE=after");
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
        });
        await().untilAsserted(() -> assertThat(hostlet.readiness().httpCode()).isEqualTo(200));
    }
}
