package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page at {@code GET /}, loaded by a real headless Chromium from the packaged hostlet that runs containers
 * on the real engine: what a person sees is what status says, phases as text and colour, data never as markup, and
 * with an API token the page asks for it. Skipped only when no {@code chromium} is installed.
 */
class StatusPageIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    /** Each container row as the page rendered it: name, phase text, the phase cell's classes. */
    private static final String ROWS = """
            JSON.stringify([...document.querySelectorAll('#containers tbody tr[data-name]')].map(r => ({
              name: r.dataset.name,
              phase: r.querySelector('td.phase').textContent,
              cls: r.querySelector('td.phase').className,
              restarts: r.cells[3].textContent
            })))""";

    private static Path chromium;

    @BeforeAll
    static void needsChromium() {
        chromium = Chromium.binary().orElse(null);
        assumeTrue(chromium != null, "chromium is not installed (Debian: apt-get install chromium)");
    }

    @Test
    void showsARunningAndACrashLoopingContainerWithTheirPhasesAndManifestErrorsAsText() throws Exception {
        String running = hostlet.name("page-run");
        String crashing = hostlet.name("page-crash");
        hostlet.write(running + ".yaml", Manifest.container(running));
        hostlet.write(crashing + ".yaml", Manifest.container(crashing).shell("echo boom; exit 1")); // restartPolicy Always
        // A value the parser quotes back in its error: the page must show these characters, not make an element.
        hostlet.write(crashing + "-broken.yaml", Manifest.container(hostlet.name("page-broken")).yaml()
                .replace("restartPolicy: Always", "restartPolicy: \"<b id=injected>bold</b>\""));

        // The conditions first, from the API: then the page has something definite to show.
        await().untilAsserted(() -> {
            assertThat(hostlet.containerStatus(running).path("phase").asText()).isEqualTo("Running");
            assertThat(hostlet.containerStatus(crashing).path("phase").asText()).isEqualTo("CrashLoopBackOff");
            assertThat(hostlet.status().path("manifestErrors").toString()).contains(crashing + "-broken.yaml");
        });

        try (Chromium browser = Chromium.start(chromium, 1280, 900)) {
            browser.navigate("http://127.0.0.1:" + hostlet.process().port() + "/");

            // The page fetches on its own: read what it rendered until both rows are there (bounded by await's timeout).
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, JsonNode> rows = rows(browser);
                assertThat(rows).containsKeys(running, crashing);
                assertThat(rows.get(running).path("phase").asText()).isEqualTo("Running");
                assertThat(rows.get(running).path("cls").asText()).contains("phase-ok");
                assertThat(rows.get(crashing).path("phase").asText()).isEqualTo("CrashLoopBackOff");
                assertThat(rows.get(crashing).path("cls").asText()).contains("phase-bad");
                assertThat(rows.get(crashing).path("restarts").asInt()).isPositive();
            });

            String dom = browser.dom();
            assertThat(dom).contains("<table id=\"containers\">", "<th scope=\"col\">Phase</th>");
            assertThat(dom).as("the summary").contains("reachable").contains("not converged");
            assertThat(dom).as("the manifest error, as file:line:col: message")
                    .containsPattern(crashing + "-broken\\.yaml:\\d+:\\d+: spec\\.restartPolicy: ")
                    .contains("&lt;b id=injected&gt;bold&lt;/b&gt;")
                    .doesNotContain("<b id=\"injected\">");
            assertThat(browser.evaluate("document.getElementById('injected') === null").asBoolean())
                    .as("no element was made from data").isTrue();
            assertThat(browser.evaluate("document.getElementById('auth').hidden").asBoolean())
                    .as("no token asked for when none is configured").isTrue();

            Path shot = Path.of("target", "status-page.png").toAbsolutePath();
            browser.screenshot(shot);
            assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G');
            System.out.println("[StatusPageIT] screenshot of the status page: " + shot);
        }
    }

    @Test
    void withAnApiTokenThePageAsksForItAndThenShowsStatusByPolling() throws Exception {
        String token = "page-token-" + Long.toHexString(System.nanoTime());
        Path tokenFile = Files.createTempFile("hostlet-it-page-token-", "");
        Files.writeString(tokenFile, token + "\n");
        String running = hostlet.name("page-tok");
        hostlet.write(running + ".yaml", Manifest.container(running));
        hostlet.restartWith("-Dhostlet.api.token-file=" + tokenFile);
        try (Chromium browser = Chromium.start(chromium, 1280, 900)) {
            hostlet.awaitRunning(running); // from the engine: status itself now needs the token
            browser.navigate("http://127.0.0.1:" + hostlet.process().port() + "/");

            await().untilAsserted(() -> assertThat(browser.evaluate("document.getElementById('auth').hidden").asBoolean())
                    .as("the token form is shown").isFalse());
            assertThat(rows(browser)).isEmpty();

            browser.evaluate("document.getElementById('token').value = " + quoteJs(token) + ";"
                    + " document.getElementById('auth').requestSubmit(); true");

            await().untilAsserted(() -> {
                Map<String, JsonNode> rows = rows(browser);
                assertThat(rows).containsKey(running);
                assertThat(rows.get(running).path("phase").asText()).isEqualTo("Running");
            });
            assertThat(browser.evaluate("document.getElementById('auth').hidden").asBoolean()).isTrue();
            assertThat(browser.evaluate("sessionStorage.getItem('hostlet.api.token')").asText()).isEqualTo(token);
            assertThat(browser.evaluate("document.getElementById('live').textContent").asText())
                    .as("EventSource cannot send the token: the page polls").startsWith("polling");
            assertThat(browser.dom()).as("the token is not written into the page").doesNotContain(token);
        } finally {
            hostlet.restart();
            Files.deleteIfExists(tokenFile);
        }
    }

    private static Map<String, JsonNode> rows(Chromium browser) {
        try {
            JsonNode list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(browser.evaluate(ROWS).asText());
            Map<String, JsonNode> out = new HashMap<>();
            list.forEach(r -> out.put(r.path("name").asText(), r));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoteJs(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
