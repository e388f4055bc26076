package io.hostlet.desired.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.hostlet.it.HostletProcess;
import io.hostlet.it.Manifest;
import io.hostlet.it.TestEngine;
import org.awaitility.Awaitility;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.hostlet.desired.git.Upstream.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: the packaged hostlet follows a bare repository over {@code file://} and the real engine runs what
 * the branch says. The process is launched here rather than through {@code HostletFixture}, whose
 * {@link HostletProcess#start} has no way to pass the {@code hostlet.git.*} settings; the packaged-jar snapshot,
 * the engine client and the manifest builder are the shared harness's.
 */
class GitOpsIT {

    private static final String REVISION = "io.hostlet.revision";
    private static final String SECRET = "it-webhook-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path tmp;
    private static Upstream upstream;
    private static TestEngine engine;
    private static String instance;
    private static Process hostlet;
    private static int port;
    private static Path log;

    @BeforeAll
    static void start() throws Exception {
        // `-Dtest=Git*` makes surefire pick this class up too; it needs the packaged jar that failsafe names.
        Assumptions.assumeTrue(System.getProperty("hostlet.jar") != null, "an integration test: run by failsafe after package");
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
        Awaitility.setDefaultPollInterval(Duration.ofMillis(200));
        Awaitility.ignoreExceptionsByDefault();
        tmp = Files.createTempDirectory("hostlet-gitops-it-");
        upstream = new Upstream(tmp.resolve("upstream"));
        engine = new TestEngine(TestEngine.defaultDockerHost());
        engine.ping();
        instance = "it-" + random6() + "-gitops";
        log = HostletProcess.packagedJar().getParent().getParent().resolve("it-logs").resolve("GitOpsIT.log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (hostlet != null) {
                hostlet.destroy();
                if (!hostlet.waitFor(30, TimeUnit.SECONDS)) {
                    hostlet.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (engine != null) {
                engine.removeContainersOf(instance);
                engine.removeNetworksOf(instance);
                engine.close();
            }
            if (upstream != null) {
                upstream.close();
            }
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    @Test
    void theEngineFollowsTheBranch() throws Exception {
        String name = "it-" + random6() + "-gitweb";
        RevCommit v1 = upstream.push("web v1", files("web.yaml", Manifest.container(name).env("MODE", "v1").yaml()));
        launch();

        AtomicReference<InspectContainerResponse> first = new AtomicReference<>();
        await().untilAsserted(() -> {
            InspectContainerResponse c = engine.running(name);
            assertThat(c.getConfig().getLabels()).containsEntry(REVISION, v1.name());
            first.set(c);
        });
        JsonNode source = status().path("source");
        assertThat(source.path("type").asText()).isEqualTo("git");
        assertThat(source.path("location").asText()).isEqualTo(upstream.url());
        assertThat(source.path("branch").asText()).isEqualTo("main");
        assertThat(source.path("commit").asText()).isEqualTo(v1.name());
        assertThat(source.path("commitMessage").asText()).isEqualTo("web v1");
        assertThat(source.path("fetchedAt").isTextual()).isTrue();
        assertThat(source.has("lastError")).isFalse();
        await().untilAsserted(() -> assertThat(get("/q/health/ready").statusCode()).isEqualTo(200));

        // A pushed commit replaces the container, which then carries the new revision.
        RevCommit v2 = upstream.push("web v2", files("web.yaml", Manifest.container(name).env("MODE", "v2").yaml()));
        await().untilAsserted(() -> {
            InspectContainerResponse c = engine.running(name);
            assertThat(c.getId()).isNotEqualTo(first.get().getId());
            assertThat(c.getConfig().getLabels()).containsEntry(REVISION, v2.name());
            assertThat(c.getConfig().getEnv()).contains("MODE=v2");
        });
        await().untilAsserted(() -> assertThat(status().path("source").path("commit").asText()).isEqualTo(v2.name()));

        // The webhook: signature checked, other branches ignored.
        byte[] push = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        byte[] other = "{\"ref\":\"refs/heads/feature\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(post(push, Map.of()).statusCode()).isEqualTo(401);
        assertThat(post(push, Map.of("X-Hub-Signature-256", "sha256=" + hmac("wrong", push))).statusCode()).isEqualTo(401);
        HttpResponse<String> ignored = post(other, Map.of("X-Hub-Signature-256", "sha256=" + hmac(SECRET, other)));
        assertThat(ignored.statusCode()).isEqualTo(202);
        assertThat(ignored.body()).contains("ignored");
        HttpResponse<String> gitea = post(push, Map.of("X-Gitea-Signature", hmac(SECRET, push)));
        assertThat(gitea.statusCode()).as(gitea.body()).isEqualTo(202);
        assertThat(gitea.body()).contains("accepted");
        assertThat(post(push, Map.of("X-Gitlab-Token", SECRET)).statusCode()).isEqualTo(202);

        // A manifest deleted in a commit takes its container with it.
        upstream.push("drop web", files("web.yaml", null, "README.md", "nothing here\n"));
        await().untilAsserted(() -> assertThat(engine.container(name)).isEmpty());
    }

    private static void launch() throws IOException {
        port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dhostlet.git.url=" + upstream.url());
        cmd.add("-Dhostlet.git.poll-interval=1s");
        cmd.add("-Dhostlet.git.dir=" + tmp.resolve("checkout"));
        cmd.add("-Dhostlet.git.webhook-secret=" + SECRET);
        cmd.add("-Dhostlet.docker.host=" + engine.dockerHost());
        cmd.add("-Dhostlet.instance=" + instance);
        cmd.add("-Dhostlet.resync-interval=2s");
        cmd.addAll(HostletProcess.PERMISSIVE_PRUNE);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add(HostletProcess.JVM_OPTIONS);
        cmd.add("-jar");
        cmd.add(HostletProcess.snapshotOfPackagedJar().toString());
        Files.writeString(log, "===== " + Instant.now() + " starting: " + String.join(" ", cmd) + "\n");
        hostlet = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(hostlet.isAlive()).as("hostlet exited:\n%s", Files.readString(log)).isTrue();
            assertThat(get("/q/health/live").statusCode()).isEqualTo(200);
        });
    }

    private static JsonNode status() throws IOException {
        return JSON.readTree(get("/api/v1/status").body());
    }

    private static HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private static HttpResponse<String> post(byte[] body, Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/git/webhook"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Computed here with the JDK, not with hostlet's own code. */
    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String random6() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
