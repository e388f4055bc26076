package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static io.hostlet.it.TestEngine.INSTANCE;
import static io.hostlet.it.TestEngine.MANAGED;
import static io.hostlet.it.TestEngine.NAME;
import static io.hostlet.it.TestEngine.SOURCE;
import static io.hostlet.it.TestEngine.SPEC_HASH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A manifest's life: dropped in, changed, deleted; and what the engine runs at each step. */
class ContainerLifecycleIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @Test
    void aDroppedManifestBecomesARunningContainerWithItsLabelsEnvAndPublishedPort() {
        String name = hostlet.name("web");
        int port = FreePort.find();
        String file = "apps/" + name + ".yaml";

        hostlet.write(file, Manifest.container(name)
                .label("tier", "frontend")
                .env("MODE", "prod")
                .port(80, port)
                .shell("mkdir -p /www && echo \"hello $MODE\" > /www/index.html && exec httpd -f -p 80 -h /www"));

        await().untilAsserted(() -> {
            InspectContainerResponse c = engine.running(name);
            assertThat(c.getConfig().getLabels())
                    .containsEntry(MANAGED, "true")
                    .containsEntry(INSTANCE, hostlet.instance())
                    .containsEntry(NAME, name)
                    .containsEntry(SOURCE, file)
                    .containsEntry("tier", "frontend")
                    .containsKey(SPEC_HASH);
            assertThat(c.getConfig().getEnv()).contains("MODE=prod");
            assertThat(c.getConfig().getImage()).isEqualTo(TestEngine.testImage());
        });
        await().untilAsserted(() -> assertThat(httpGet(port)).isEqualTo("hello prod\n"));
    }

    @Test
    void statusAndReadinessReportAConvergedHostOnceTheContainerRuns() {
        String name = hostlet.name("status");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name));
        String id = hostlet.awaitRunning(name).getId();

        await().untilAsserted(() -> {
            JsonNode status = hostlet.status();
            assertThat(status.path("converged").asBoolean()).as("converged in %s", status).isTrue();
            assertThat(Instant.parse(status.path("lastReconcile").asText())).isBefore(Instant.now().plusSeconds(1));
            JsonNode c = hostlet.containerStatus(name);
            assertThat(c.path("phase").asText()).as("%s", c).isEqualTo("Running");
            assertThat(c.path("containerId").asText()).isEqualTo(id);
            assertThat(c.path("image").asText()).isEqualTo(TestEngine.testImage());
            assertThat(c.path("source").asText()).isEqualTo(file);
            assertThat(c.path("restarts").asInt(-1)).isZero();
            assertThat(status.path("images").isArray() && status.path("images").isEmpty()).as("%s", status).isTrue();
            // Without Image manifests and with image GC off, local images are not listed: a no-op pass that lists
            // stays at two calls (containers, networks); one that reuses the last listing makes none.
            JsonNode lastPass = status.path("lastPass");
            assertThat(lastPass.path("actions").asInt(-1)).as("%s", lastPass).isZero();
            assertThat(lastPass.path("apiCalls").asInt(-1)).as("%s", lastPass)
                    .isEqualTo(lastPass.path("listed").asBoolean() ? 2 : 0);

            HostletProcess.Health ready = hostlet.readiness();
            assertThat(ready.httpCode()).as("%s", ready).isEqualTo(200);
            assertThat(ready.status()).isEqualTo("UP");
            JsonNode data = ready.body().path("checks").get(0).path("data");
            assertThat(data.path("running").asInt()).as("%s", ready).isGreaterThanOrEqualTo(1);
            assertThat(data.path("failing").asInt(-1)).as("%s", ready).isZero();
        });
    }

    @Test
    void changingTheSpecReplacesTheContainerWithANewOneOfTheSameName() {
        String name = hostlet.name("change");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name).env("MODE", "v1"));
        InspectContainerResponse first = hostlet.awaitRunning(name);

        hostlet.write(file, Manifest.container(name).env("MODE", "v2"));

        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isNotEqualTo(first.getId());
            assertThat(now.getConfig().getEnv()).contains("MODE=v2").doesNotContain("MODE=v1");
            assertThat(now.getConfig().getLabels().get(SPEC_HASH))
                    .isNotEqualTo(first.getConfig().getLabels().get(SPEC_HASH));
        });
        // The swap gives the name to the new container first and removes the old one (renamed out of the way) last.
        await().untilAsserted(() -> assertThat(engine.container(first.getId())).as("the replaced container").isEmpty());
        assertThat(engine.managedNamed(hostlet.instance(), name)).hasSize(1);
    }

    @Test
    void changingTheArgsAlsoReplacesTheContainer() {
        String name = hostlet.name("args");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name).shell("exec sleep 100000"));
        String firstId = hostlet.awaitRunning(name).getId();

        hostlet.write(file, Manifest.container(name).shell("exec sleep 200000"));

        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isNotEqualTo(firstId);
            assertThat(now.getArgs()).containsExactly("-c", "exec sleep 200000");
        });
        await().untilAsserted(() -> assertThat(engine.container(firstId)).as("the replaced container").isEmpty());
    }

    @Test
    void deletingTheManifestStopsAndRemovesTheContainer() {
        String name = hostlet.name("gone");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name));
        String id = hostlet.awaitRunning(name).getId();

        hostlet.delete(file);

        await().untilAsserted(() -> {
            assertThat(engine.container(id)).isEmpty();
            assertThat(engine.container(name)).isEmpty();
        });
        await().untilAsserted(() -> assertThat(hostlet.containerStatus(name).isMissingNode())
                .as("%s still in status", name).isTrue());
    }

    @Test
    void aNamedVolumeKeepsItsDataAcrossARecreateAndOutlivesItsManifest() {
        String name = hostlet.name("vol");
        String volume = hostlet.volume("data");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name).namedVolume(volume, "/data").env("GEN", "1"));
        String firstId = hostlet.awaitRunning(name).getId();
        assertThat(engine.exec(firstId, "sh", "-c", "echo kept > /data/marker").exitCode()).isZero();

        hostlet.write(file, Manifest.container(name).namedVolume(volume, "/data").env("GEN", "2"));
        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isNotEqualTo(firstId);
            assertThat(now.getConfig().getEnv()).contains("GEN=2");
        });
        assertThat(engine.exec(name, "cat", "/data/marker").output()).isEqualTo("kept\n");

        hostlet.delete(file);
        await().untilAsserted(() -> assertThat(engine.container(name)).isEmpty());
        hostlet.holdsAcrossPasses(2,
                () -> assertThat(engine.volumeExists(volume)).as("volume %s", volume).isTrue());
    }

    private static String httpGet(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

}
