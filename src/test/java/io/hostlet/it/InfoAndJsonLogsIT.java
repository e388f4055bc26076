package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator reads about the running build and its log: {@code /q/info} names the version and the git commit
 * the jar was built from, and with {@code quarkus.log.console.json.enabled=true} every line hostlet writes is one JSON
 * object with its level and message (for log shippers).
 */
class InfoAndJsonLogsIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct("-Dquarkus.log.console.json.enabled=true");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void infoShowsTheVersionAndTheCommitTheJarWasBuiltFrom() throws Exception {
        HttpResponse<String> r = hostlet.process().get("/q/info");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode info = JSON.readTree(r.body());

        String version = System.getProperty("hostlet.version");
        assertThat(version).as("hostlet.version from failsafe").isNotBlank();
        assertThat(info.path("build").path("version").asText()).isEqualTo(version);
        assertThat(info.path("git").path("commit").path("id").asText()).as("%s", info).isEqualTo(gitHead());
    }

    @Test
    void withJsonLogsOnEveryLineIsAJsonObjectWithLevelAndMessage() throws Exception {
        String name = hostlet.name("json-log");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name); // hostlet logs the create

        await().untilAsserted(() -> {
            List<JsonNode> entries = new ArrayList<>();
            for (String line : linesOfThisRun()) {
                entries.add(parse(line));
            }
            assertThat(entries).hasSizeGreaterThan(3)
                    .anySatisfy(e -> assertThat(e.path("message").asText()).contains("created " + name));
        });
    }

    private static JsonNode parse(String line) {
        JsonNode e;
        try {
            e = JSON.readTree(line);
        } catch (IOException ex) {
            throw new AssertionError("not JSON: " + line, ex);
        }
        assertThat(e.isObject()).as(line).isTrue();
        assertThat(e.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");
        assertThat(e.path("message").isTextual()).as(line).isTrue();
        assertThat(e.path("timestamp").asText()).as(line).isNotBlank();
        return e;
    }

    /** hostlet's output since its last start (HostletProcess writes a plain header line before each start). */
    private static List<String> linesOfThisRun() throws IOException {
        List<String> all = Files.readAllLines(hostlet.process().log(), StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("===== ")) {
                start = i + 1;
            }
        }
        return all.subList(start, all.size()).stream()
                .filter(l -> !l.isBlank() && !l.contains(" ----- test ")) // the fixture's own markers
                .toList();
    }

    /** {@code git rev-parse HEAD} of the checkout the tests run in (the build's; CI builds from a clone). */
    private static String gitHead() throws Exception {
        Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git rev-parse HEAD: %s", out).isZero();
        return out;
    }
}
