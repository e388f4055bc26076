package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API's defences, against the packaged jar: loopback only by default, a bearer token when configured, a body
 * limit, no crash output unless asked, and one hostlet per instance name.
 */
class ApiSafetyIT {

    private static final String TOKEN = "it-token-" + Long.toHexString(System.nanoTime());
    private static final Path TOKEN_FILE = tempFile("hostlet-it-token-", TOKEN + "\n");
    private static final Path STATE = tempDir("hostlet-it-state-");
    private static final List<String> OPTIONS = List.of("-Dhostlet.api.token-file=" + TOKEN_FILE,
            "-Dhostlet.state-dir=" + STATE);

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct().withOptions(OPTIONS.toArray(String[]::new));

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theApiListensOnLoopbackOnlyByDefault() throws Exception {
        int port = hostlet.process().port();
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                nif.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(others::add);
            }
        }
        assertThat(others).as("this host's non-loopback addresses (docker0, the bridge gateway, at least)").isNotEmpty();
        for (InetAddress a : others) {
            assertThat(connects(a, port)).as("reachable on %s:%d", a.getHostAddress(), port).isFalse();
        }
        assertThat(connects(InetAddress.getLoopbackAddress(), port)).isTrue();
    }

    @Test
    void everythingUnderApiV1NeedsTheTokenAndHealthDoesNot() throws Exception {
        HttpResponse<String> none = send("GET", "/api/v1/status", null, new byte[0]);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.body()).doesNotContain(TOKEN);

        HttpResponse<String> wrong = send("GET", "/api/v1/status", "Bearer " + TOKEN + "x", new byte[0]);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));

        assertThat(send("GET", "/api/v1/status", "Bearer " + TOKEN, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/events", null, new byte[0]).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/events/stream", null, new byte[0]).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/events", "Bearer " + TOKEN, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/git/webhook", null, "{}".getBytes()).statusCode())
                .as("an unsigned webhook (no webhook secret set) needs the token too").isEqualTo(401);
        assertThat(send("POST", "/api/v1/git/webhook", "Bearer " + TOKEN, "{}".getBytes()).statusCode())
                .as("with it: no git source here").isEqualTo(404);
        assertThat(send("GET", "/q/health/live", null, new byte[0]).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/q/health/ready", null, new byte[0]).statusCode()).isIn(200, 503);

        assertThat(Files.readString(hostlet.process().log())).as("the token is never logged").doesNotContain(TOKEN);
    }

    /**
     * Metrics, build info and the OpenAPI document stay open like health, token or not: a scraper needs no
     * credential, and they hold counts, versions and the API's shape, never a container name (MetricsIT checks
     * that). Loopback by default, like everything else.
     */
    @Test
    void metricsInfoAndOpenApiNeedNoTokenLikeHealth() throws Exception {
        HttpResponse<String> metrics = send("GET", "/q/metrics", null, new byte[0]);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("hostlet_converged").doesNotContain(TOKEN);
        assertThat(send("GET", "/q/info", null, new byte[0]).statusCode()).isEqualTo(200);
        HttpResponse<String> openapi = send("GET", "/q/openapi", null, new byte[0]);
        assertThat(openapi.statusCode()).as("the API's description, served by hostlet's own route").isEqualTo(200);
        assertThat(openapi.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
                "application/yaml"));
        assertThat(openapi.body()).contains("/api/v1/status:").doesNotContain(TOKEN);
    }

    @Test
    void aBodyOverOneMebibyteGets413() throws Exception {
        byte[] big = new byte[(1 << 20) + 1];
        assertThat(send("POST", "/api/v1/git/webhook", "Bearer " + TOKEN, big).statusCode()).isEqualTo(413);
        assertThat(send("POST", "/api/v1/git/webhook", null, big).statusCode()).isEqualTo(413);
        byte[] justUnder = new byte[(1 << 20) - 1];
        assertThat(send("POST", "/api/v1/git/webhook", "Bearer " + TOKEN, justUnder).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/q/health/live", null, new byte[0]).statusCode()).as("still serving").isEqualTo(200);
    }

    /**
     * Many clients that open a connection and never finish their request head (slowloris) hold no more than
     * {@code quarkus.http.limits.max-connections} (256), each for at most {@code quarkus.http.idle-timeout} (30 s):
     * then hostlet closes them, and a real request is served. The shipped settings, not test ones.
     */
    @Test
    void halfSentRequestsAreDroppedAndARealRequestIsServed() throws Exception {
        int port = hostlet.process().port();
        List<Socket> halfSent = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    s.getOutputStream().write(("GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: ")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException refused) {
                    // over the cap: closed at once, which is the point
                }
                halfSent.add(s);
            }
            await().untilAsserted(() -> assertThat(send("GET", "/q/health/live", null, new byte[0]).statusCode())
                    .isEqualTo(200));
            await().untilAsserted(() -> assertThat(halfSent).as("every half-sent request closed by hostlet")
                    .allSatisfy(s -> assertThat(closedByPeer(s)).isTrue()));
            assertThat(send("GET", "/api/v1/status", "Bearer " + TOKEN, new byte[0]).statusCode()).isEqualTo(200);
        } finally {
            for (Socket s : halfSent) {
                s.close();
            }
        }
    }

    /** Whether the server closed {@code s}: a read sees the end of the stream (or a reset) rather than waiting. */
    private static boolean closedByPeer(Socket s) {
        if (s.isClosed() || !s.isConnected()) {
            return true;
        }
        try {
            s.setSoTimeout(50);
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void crashLoopsShowExitCodesButNoOutputByDefault() throws Exception {
        String name = hostlet.name("crash");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo the-output-of-a-crash; exit 3"));

        await().untilAsserted(() -> {
            JsonNode c = container(name);
            assertThat(c.path("phase").asText()).as("%s", c).isEqualTo("CrashLoopBackOff");
            assertThat(c.path("crashLoop").path("exitCode").asInt()).isEqualTo(3);
            assertThat(c.path("crashLoop").has("logTail")).as("%s", c).isFalse();
        });
        assertThat(authorizedStatus().toString()).doesNotContain("the-output-of-a-crash");

        HttpResponse<String> health = send("GET", "/q/health/group/containers", null, new byte[0]);
        assertThat(health.statusCode()).as("DOWN: one crash-loops").isEqualTo(503);
        assertThat(health.body()).as("with a token set, health (open to all) names no container")
                .contains("\"notRunning\"").contains("names in /api/v1/status").doesNotContain(name);
    }

    @Test
    void aSecondHostletWithTheSameInstanceDoesNotActAndTakesOverWhenTheFirstStops() throws Exception {
        HostletProcess second = new HostletProcess(HostletProcess.snapshotOfPackagedJar(),
                hostlet.process().log().resolveSibling("ApiSafetyIT-second.log"));
        Files.deleteIfExists(second.log());
        try {
            second.start(hostlet.manifestsDir(), hostlet.engine().dockerHost(), hostlet.instance(), OPTIONS);

            HostletProcess.Health ready = second.readiness();
            assertThat(ready.httpCode()).isEqualTo(503);
            assertThat(ready.body().toString()).contains("another hostlet runs instance '" + hostlet.instance() + "'")
                    .contains("instance-" + hostlet.instance() + ".lock");
            assertThat(second.livenessCode()).as("a standby is alive").isEqualTo(200);
            assertThat(Files.readString(second.log())).contains("another hostlet runs instance");
            JsonNode secondStatus = JSON.readTree(get(second, "/api/v1/status").body());
            assertThat(secondStatus.path("reason").asText()).contains("another hostlet runs instance");

            // the first keeps working
            String name = hostlet.name("web");
            hostlet.write(name + ".yaml", Manifest.container(name));
            String id = hostlet.awaitRunning(name).getId();
            assertThat(Files.readString(second.log())).as("the standby never acted").doesNotContain(name);

            // the first stops: the standby takes over and adopts what runs, recreating nothing
            assertThat(hostlet.stop()).isTrue();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode s = JSON.readTree(get(second, "/api/v1/status").body());
                assertThat(s.path("lastReconcile").isNull()).as("%s", s).isFalse();
                assertThat(second.readiness().status()).isEqualTo("UP");
            });
            assertThat(hostlet.engine().running(name).getId()).isEqualTo(id);
        } finally {
            second.stop(Duration.ofSeconds(30));
        }
    }

    // ---- helpers ----

    private JsonNode authorizedStatus() throws IOException, InterruptedException {
        return JSON.readTree(get(hostlet.process(), "/api/v1/status").body());
    }

    private JsonNode container(String name) throws IOException, InterruptedException {
        for (JsonNode c : authorizedStatus().path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static HttpResponse<String> get(HostletProcess p, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String authorization, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostlet.process().port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        // A server that answers 413 early closes the connection while the body is still being sent; the client then
        // sometimes reads the reset instead of the answer ("header parser received no bytes"). That is the transport
        // racing the answer, not the answer: ask again (on a new connection), and assert on the answer as before.
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("sending " + body.length + " bytes to " + path, last);
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path tempFile(String prefix, String content) {
        try {
            Path f = Files.createTempFile(prefix, "");
            Files.writeString(f, content);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
