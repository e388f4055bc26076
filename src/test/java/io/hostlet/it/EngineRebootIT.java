package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A reboot of the engine's host while hostlet keeps running (it comes back with the host in real life; here it
 * rides out the outage): {@code scripts/engine-ns.sh reboot} SIGKILLs the private engine named by
 * {@code HOSTLET_TEST_ENGINE} and every container process, wipes its run directories and starts it again. Docker
 * restarts {@code always} containers itself; Podman has no daemon to do it (podman-restart.service does, where
 * systemd runs it) and shows them as created: hostlet starts them, as a controller does.
 */
class EngineRebootIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @BeforeAll
    static void needsAPrivateEngine() {
        assumeTrue(LocalRegistry.namespace() != null, "needs a private engine (HOSTLET_TEST_ENGINE, scripts/engine-ns.sh)");
    }

    @Test
    void whatShouldRunRunsAgainAfterTheEngineCameBackFromAReboot() throws Exception {
        String always = hostlet.name("boot-always");
        String never = hostlet.name("boot-never");
        hostlet.write(always + ".yaml", Manifest.container(always).restartPolicy("Always"));
        hostlet.write(never + ".yaml", Manifest.container(never).restartPolicy("Never").shell("exit 0"));
        InspectContainerResponse before = hostlet.awaitRunning(always);
        await().untilAsserted(() -> assertThat(hostlet.containerStatus(never).path("phase").asText()).isEqualTo("Succeeded"));

        Instant bootedAt = Instant.now();
        reboot();

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            InspectContainerResponse c = engine.running(always);
            assertThat(c.getId()).as("the same container, started again").isEqualTo(before.getId());
            assertThat(TestEngine.startedAt(c)).isAfter(bootedAt);
            assertThat(hostlet.containerStatus(always).path("phase").asText()).isEqualTo("Running");
        });
        // One that finished as it should is not started again by the reboot.
        hostlet.holdsAcrossPasses(2, () -> assertThat(engine.existing(never).getState().getRunning()).isFalse());
    }

    private static void reboot() throws IOException, InterruptedException {
        Path script = Path.of("scripts", "engine-ns.sh").toAbsolutePath();
        Process p = new ProcessBuilder(script.toString(), "reboot", System.getenv("HOSTLET_TEST_ENGINE"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
