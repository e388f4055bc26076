package io.hostlet.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a web page the operator opens can do to the local API, against the packaged jar: a page whose name resolves
 * to 127.0.0.1 (DNS rebinding) is refused on every path, and a page on another origin can neither make hostlet act
 * (a {@code text/plain} POST needs no preflight) nor read it; curl and the CLI on loopback work as before. The
 * browser part runs a real headless Chromium, skipped only when none is installed.
 */
class BrowserSafetyIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    @TempDir
    Path tmp;

    private static String name;

    @BeforeAll
    static void aRunningContainer() {
        name = hostlet.name("browser");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo a-password-it-printed; exec sleep 100000"));
        hostlet.awaitRunning(name);
        await().untilAsserted(() -> assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running"));
    }

    @Test
    void aHostNameItDoesNotServeIsRefusedOnEveryPathAndTheLoopbackNamesAreServed() throws Exception {
        int port = hostlet.process().port();
        String rebinding = "Host: rebind.test:" + port;
        for (String path : List.of("/api/v1/status", "/api/v1/events", "/api/v1/containers/" + name + "/logs",
                "/q/health/ready", "/q/health/group/containers", "/q/metrics", "/", "/index.html")) {
            Curl r = curl("-H", rebinding, url(path));
            assertThat(r.status()).as("%s with a rebinding Host: %s", path, r).isEqualTo(403);
            assertThat(r.body()).as(path).doesNotContain(name).doesNotContain("a-password-it-printed");
        }
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "localhost", "LOCALHOST")) {
            assertThat(curl("-H", "Host: " + host, url("/api/v1/status")).status()).as(host).isEqualTo(200);
        }
        Curl logs = curl(url("/api/v1/containers/" + name + "/logs"));
        assertThat(logs.status()).isEqualTo(200);
        assertThat(logs.body()).contains("a-password-it-printed");
    }

    @Test
    void aCrossSitePostIsRefusedWhileCurlAndTheCliStillAct() throws Exception {
        String retry = url("/api/v1/containers/" + name + "/retry");
        String webhook = url("/api/v1/git/webhook");
        for (String target : List.of(retry, webhook)) {
            Curl crossSite = curl("-X", "POST", "-H", "Content-Type: text/plain", "-H", "Origin: http://evil.test",
                    "-H", "Sec-Fetch-Site: cross-site", "--data", "{}", target);
            assertThat(crossSite.status()).as("%s from another site: %s", target, crossSite).isEqualTo(403);
            Curl oldBrowser = curl("-X", "POST", "-H", "Content-Type: text/plain", "-H", "Origin: http://evil.test",
                    "--data", "{}", target);
            assertThat(oldBrowser.status()).as("%s with only an Origin: %s", target, oldBrowser).isEqualTo(403);
        }
        assertThat(curl("-X", "POST", retry).status()).as("curl reaches retry (not rolled back: 409)").isEqualTo(409);
        assertThat(curl("-X", "POST", "-H", "Content-Type: application/json", "--data", "{}", webhook).status())
                .as("a forge's webhook, which sends no Origin, reaches it (no git source here: 404)").isEqualTo(404);

        String server = "http://localhost:" + hostlet.process().port();
        Jar status = jar("status", "--server", server);
        assertThat(status.code()).as("%s", status).isZero();
        assertThat(status.out()).contains(name);
        Jar cliRetry = jar("retry", name, "--server", server);
        assertThat(cliRetry.err() + cliRetry.out()).as("the CLI's POST is not refused").contains("not rolled back")
                .doesNotContain("cross-origin");
    }

    @Test
    void aPageOnAnotherOriginCanNeitherActNorReadAndARebindingPageIsRefused() throws Exception {
        Path chromium = Chromium.binary().orElse(null);
        assumeTrue(chromium != null, "chromium is not installed (Debian: apt-get install chromium)");
        int port = hostlet.process().port();
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", x -> {
            byte[] page = "<!doctype html><title>another site</title><p>hello</p>".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html");
            x.sendResponseHeaders(200, page.length);
            x.getResponseBody().write(page);
            x.close();
        });
        attacker.start();
        String rules = "--host-resolver-rules=MAP attacker.test 127.0.0.1, MAP rebind.test 127.0.0.1";
        try (Chromium browser = Chromium.start(chromium, 800, 600, List.of(rules))) {
            browser.recordResponses();
            browser.navigate("http://attacker.test:" + attacker.getAddress().getPort() + "/");
            await().until(() -> browser.evaluate("document.readyState").asText().equals("complete"));

            String retry = "http://127.0.0.1:" + port + "/api/v1/containers/" + name + "/retry";
            String webhook = "http://127.0.0.1:" + port + "/api/v1/git/webhook";
            for (String target : List.of(retry, webhook)) {
                assertThat(browser.await("fetch('" + target + "', {method: 'POST', mode: 'no-cors', headers: "
                        + "{'Content-Type': 'text/plain'}, body: '{}'}).then(r => r.type)").asText()).isEqualTo("opaque");
                await().untilAsserted(() -> assertThat(browser.responses()).as("what hostlet answered the page")
                        .contains("403 " + target));
            }
            String read = browser.await("fetch('http://127.0.0.1:" + port + "/api/v1/status')"
                    + ".then(r => r.text()).then(t => 'read ' + t, e => 'failed: ' + e)").asText();
            assertThat(read).startsWith("failed").doesNotContain(name);

            // The same page, had its name been rebound to 127.0.0.1 after it loaded: a same-origin page of hostlet's.
            String rebound = "http://rebind.test:" + port + "/";
            browser.navigate(rebound);
            await().untilAsserted(() -> assertThat(browser.responses()).contains("403 " + rebound));
            await().until(() -> browser.evaluate("document.readyState").asText().equals("complete"));
            String same = browser.await("fetch('/api/v1/status').then(async r => r.status + ' ' + await r.text())")
                    .asText();
            assertThat(same).startsWith("403").doesNotContain(name);
            String logs = browser.await("fetch('/api/v1/containers/" + name + "/logs')"
                    + ".then(async r => r.status + ' ' + await r.text())").asText();
            assertThat(logs).startsWith("403").doesNotContain("a-password-it-printed");
        } finally {
            attacker.stop(0);
        }
    }

    // ---- helpers ----

    /** What one run of the packaged jar as a client printed, and how it exited. */
    private record Jar(int code, String out, String err) {
    }

    private Jar jar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HostletProcess.JVM_OPTIONS, "-jar", HostletProcess.snapshotOfPackagedJar().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hostlet " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Jar(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + hostlet.process().port() + path;
    }

    /** What curl got: the status and the body. */
    private record Curl(int status, String body) {
    }

    /** Real curl, as an operator would type it: {@code -s}, the status on the last line. */
    private Curl curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "10", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "curl", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("curl ended").isTrue();
        String text = Files.readString(out, StandardCharsets.UTF_8);
        int nl = text.lastIndexOf('\n');
        return new Curl(Integer.parseInt(text.substring(nl + 1).strip()), text.substring(0, Math.max(0, nl)));
    }
}
