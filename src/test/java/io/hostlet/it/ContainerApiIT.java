package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/v1/containers/{name}}, its logs, top-level restarts that count the engine's own, and the OpenAPI
 * document listing the endpoints; against the real engine.
 */
class ContainerApiIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aContainerShowsItsSpecWithSecretsRedactedItsObservedStateAndItsFilesErrors() {
        String name = hostlet.name("described");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name).env("TOKEN", "hunter2-s3cr3t").label("tier", "web"));
        InspectContainerResponse c = hostlet.awaitRunning(name);

        await().untilAsserted(() -> {
            HttpResponse<String> r = hostlet.process().get("/api/v1/containers/" + name);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain("hunter2").doesNotContain("exec sleep");
            JsonNode d = json(r.body());
            assertThat(d.path("name").asText()).isEqualTo(name);
            assertThat(d.path("phase").asText()).isEqualTo("Running");
            assertThat(d.path("containerId").asText()).isEqualTo(c.getId());
            assertThat(d.path("source").asText()).isEqualTo(file);
            assertThat(d.path("image").asText()).isEqualTo(TestEngine.testImage());
            assertThat(d.path("restarts").asInt(-1)).isZero();
            assertThat(d.path("lastExit").isNull()).as("%s", d).isTrue();
            assertThat(d.path("startedAt").asText()).isNotEmpty();
            assertThat(d.path("spec").path("env").get(0).path("name").asText()).isEqualTo("TOKEN");
            assertThat(d.path("spec").path("env").get(0).path("value").asText()).isEqualTo("<redacted>");
            assertThat(d.path("spec").path("args").get(0).asText()).isEqualTo("<redacted>");
            assertThat(d.path("observed").path("state").asText()).isEqualTo("running");
            assertThat(d.path("observed").path("id").asText()).isEqualTo(c.getId());
            assertThat(d.path("observed").path("restartCount").asInt(-1)).isZero();
            // its recent events, from the event log: how it came to be
            List<String> kinds = new java.util.ArrayList<>();
            d.path("events").forEach(e -> kinds.add(e.path("kind").asText()));
            assertThat(kinds).contains("created");
            d.path("events").forEach(e -> assertThat(e.path("name").asText()).isEqualTo(name));
            assertThat(d.path("errors")).isEmpty();
        });

        // A broken file is held: the container runs on, and its details carry the file's errors.
        hostlet.write(file, Manifest.container(name).env("TOKEN", "hunter2-s3cr3t").yaml() + "  bogusField: 1\n");
        await().untilAsserted(() -> {
            HttpResponse<String> r = hostlet.process().get("/api/v1/containers/" + name);
            JsonNode d = json(r.body());
            assertThat(d.path("errors")).as("%s", d).hasSize(1);
            assertThat(d.path("errors").get(0).path("file").asText()).isEqualTo(file);
            assertThat(d.path("errors").get(0).path("line").asInt()).isPositive();
            assertThat(d.path("phase").asText()).isEqualTo("Running");
        });
        // ... and the error is logged once with its position, not once per pass.
        hostlet.awaitPasses(3);
        String log = hostlet.process().logTail(400);
        assertThat(log.split("manifest " + file + ": 1 error", -1)).as(log).hasSize(2);
        assertThat(log).contains(file + ":");
    }

    @Test
    void aContainerThatExitedShowsItsExitCode() {
        String name = hostlet.name("done");
        hostlet.write(name + ".yaml", Manifest.container(name).restartPolicy("Never").shell("exit 3"));

        await().untilAsserted(() -> {
            JsonNode d = json(hostlet.process().get("/api/v1/containers/" + name).body());
            assertThat(d.path("phase").asText()).as("%s", d).isEqualTo("Failed");
            assertThat(d.path("lastExit").path("code").asInt(-1)).as("%s", d).isEqualTo(3);
            assertThat(d.path("lastExit").path("oomKilled").asBoolean(true)).isFalse();
            assertThat(d.path("observed").path("state").asText()).isEqualTo("exited");
        });
    }

    @Test
    void anUnknownNameIs404Json() {
        HttpResponse<String> r = hostlet.process().get("/api/v1/containers/" + hostlet.name("nobody"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r.body()).path("error").asText()).contains("no container named");
        HttpResponse<String> logs = hostlet.process().get("/api/v1/containers/" + hostlet.name("nobody") + "/logs");
        assertThat(logs.statusCode()).isEqualTo(404);
    }

    @Test
    void restartsCountWhatTheEngineRestartedNotOnlyHostlet() {
        String name = hostlet.name("flaky");
        // exits 1 on its first run; the engine's restart policy starts it again, and then it stays up
        hostlet.write(name + ".yaml", Manifest.container(name)
                .shell("if [ -f /tmp/ran ]; then exec sleep 100000; fi; touch /tmp/ran; exit 1"));

        await().untilAsserted(() -> {
            InspectContainerResponse c = hostlet.engine().running(name);
            JsonNode s = hostlet.containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
            // the engine's restart policy started it again (it restarts a crash within 100 ms, while hostlet sees the
            // container "restarting" and leaves it to the engine): status counts that restart too
            assertThat(c.getRestartCount()).isEqualTo(1);
            assertThat(s.path("restarts").asInt()).as("%s", s).isGreaterThanOrEqualTo(1);
            JsonNode d = json(hostlet.process().get("/api/v1/containers/" + name).body());
            assertThat(d.path("restarts").asInt()).isEqualTo(s.path("restarts").asInt());
            assertThat(d.path("observed").path("restartCount").asInt()).isEqualTo(1);
            // it exited once and runs again: when is known, the code is not (the engine resets it at start)
            assertThat(d.path("lastExit").path("at").asText()).as("%s", d).isNotEmpty();
            assertThat(d.path("lastExit").path("code").isNull()).as("%s", d).isTrue();
        });
    }

    @Test
    void logsShowTheTailAndFollowStreamsWhatComesNext() throws Exception {
        String name = hostlet.name("talker");
        hostlet.write(name + ".yaml", Manifest.container(name)
                .shell("echo one; echo two; echo three; i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.2; done"));
        hostlet.awaitRunning(name);

        await().untilAsserted(() -> {
            HttpResponse<String> r = hostlet.process().get("/api/v1/containers/" + name + "/logs?tail=10000");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            assertThat(r.body()).startsWith("one\ntwo\nthree\ntick1\n");
        });
        HttpResponse<String> two = hostlet.process().get("/api/v1/containers/" + name + "/logs?tail=2");
        assertThat(two.body().split("\n")).hasSize(2);
        assertThat(hostlet.process().get("/api/v1/containers/" + name + "/logs?tail=10001").statusCode())
                .isEqualTo(400);

        // follow: lines printed after the request arrive while the response is still open
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostlet.process().port()
                + "/api/v1/containers/" + name + "/logs?tail=1&follow=true")).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        try (InputStream in = r.body();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            while (lines.size() < 4) {
                String line = reader.readLine();
                assertThat(line).as("stream ended after %s", lines).isNotNull();
                lines.add(line);
            }
        }
        assertThat(lines).allMatch(l -> l.startsWith("tick"));
        int first = Integer.parseInt(lines.get(0).substring(4));
        assertThat(lines).containsExactly("tick" + first, "tick" + (first + 1), "tick" + (first + 2),
                "tick" + (first + 3));
    }

    @Test
    void openApiDocumentsTheApi() {
        HttpResponse<String> r = hostlet.process().get("/q/openapi?format=json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode paths = json(r.body()).path("paths");
        assertThat(paths.has("/api/v1/plan")).as("%s", paths).isTrue();
        assertThat(paths.has("/api/v1/status")).isTrue();
        assertThat(paths.has("/api/v1/containers/{name}")).isTrue();
        assertThat(paths.has("/api/v1/containers/{name}/logs")).isTrue();
        assertThat(paths.path("/api/v1/plan").path("get").path("summary").asText()).isNotEmpty();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
