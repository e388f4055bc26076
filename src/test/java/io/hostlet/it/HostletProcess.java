package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * The packaged hostlet service running as a child process ({@code java -jar quarkus-run.jar}),
 * with its output appended to a log file, and its HTTP API.
 */
public final class HostletProcess {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The JVM options hostlet is deployed with, as a java argument file (tests run from the repository root). */
    public static final String JVM_OPTIONS = "@" + Path.of("deploy", "jvm.options").toAbsolutePath();
    /**
     * Prune guards off, for tests: nearly every test deletes its last manifest and expects its container to go,
     * which hostlet's defaults refuse (an empty source removes nothing). InputSafetyIT runs with the defaults.
     */
    public static final List<String> PERMISSIVE_PRUNE =
            List.of("-Dhostlet.prune.allow-empty=true", "-Dhostlet.prune.max-fraction=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Path log;
    private Process process;
    private int port;

    public HostletProcess(Path jar, Path log) {
        this.jar = jar;
        this.log = log;
    }

    private static Path snapshot;

    /** The packaged service, as failsafe names it ({@code target/quarkus-app/quarkus-run.jar}). */
    public static Path packagedJar() {
        String jar = System.getProperty("hostlet.jar");
        if (jar == null) {
            throw new IllegalStateException("system property hostlet.jar is not set: run the ITs through maven-failsafe");
        }
        Path p = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " does not exist: run mvn package first");
        }
        return p;
    }

    /**
     * A private copy of the packaged application, taken once per test JVM, to launch from: a {@code mvn package}
     * run beside the tests rewrites {@code target/quarkus-app} and would pull jars from under a running hostlet.
     */
    public static synchronized Path snapshotOfPackagedJar() {
        if (snapshot == null) {
            Path app = packagedJar().getParent();
            try {
                Path copy = Files.createTempDirectory("hostlet-it-app-");
                try (var files = Files.walk(app)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path to = copy.resolve(app.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(f, to);
                        }
                    }
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copy)));
                snapshot = copy.resolve(packagedJar().getFileName().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return snapshot;
    }

    private static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp copy left behind is harmless
        }
    }

    /** Starts hostlet and waits until its liveness answers 200. */
    public void start(Path manifestsDir, String dockerHost, String instance) {
        start(manifestsDir, dockerHost, instance, List.of());
    }

    /**
     * Starts hostlet with {@code extraOptions} ({@code -Dname=value}, after the defaults, so they win) and waits
     * until its liveness answers 200.
     */
    public void start(Path manifestsDir, String dockerHost, String instance, List<String> extraOptions) {
        if (isRunning()) {
            throw new IllegalStateException("hostlet is already running");
        }
        port = FreePort.find();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(JVM_OPTIONS); // the deployed heap and GC settings, so tests run what is shipped
        cmd.add("-Dhostlet.manifests.dir=" + manifestsDir);
        cmd.add("-Dhostlet.docker.host=" + dockerHost);
        cmd.add("-Dhostlet.instance=" + instance);
        cmd.add("-Dhostlet.resync-interval=2s");
        cmd.add("-Dquarkus.http.port=" + port);
        // no quarkus.http.host: the shipped default (127.0.0.1) is what every IT reaches
        cmd.addAll(PERMISSIVE_PRUNE);
        cmd.addAll(extraOptions); // after: a later -D wins
        cmd.add("-jar");
        cmd.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "\n===== " + Instant.now() + " starting: " + String.join(" ", cmd) + "\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitLive(Duration.ofSeconds(60));
    }

    private void awaitLive(Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(UncheckedIOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("hostlet exited with " + process.exitValue() + " while starting\n"
                                    + logTail(60));
                        }
                        return get("/q/health/live").statusCode() == 200; // UncheckedIOException: not listening yet
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("hostlet was not live within " + within + "\n" + logTail(60), e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then wait; returns whether it exited within {@code within} (it is killed if not). */
    public boolean stop(Duration within) {
        if (process == null) {
            return true;
        }
        process.destroy();
        try {
            boolean exited = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /** SIGKILL: no shutdown hooks run. */
    public void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The HTTP port hostlet was started on. */
    public int port() {
        return port;
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** {@code GET /api/v1/status} as JSON; fails the assertion on anything but 200. */
    public JsonNode status() {
        HttpResponse<String> r = get("/api/v1/status");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /api/v1/status answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    /** The entry for {@code name} in status' containers, or a missing node. */
    public JsonNode containerStatus(String name) {
        for (JsonNode c : status().path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** {@code GET /q/health/ready}: the HTTP code and the SmallRye Health JSON. */
    public Health readiness() {
        HttpResponse<String> r = get("/q/health/ready");
        return new Health(r.statusCode(), parse(r.body()));
    }

    public int livenessCode() {
        return get("/q/health/live").statusCode();
    }

    public HttpResponse<String> get(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .GET().build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new UncheckedIOException("hostlet is not listening on " + port, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs an empty body to {@code path} on hostlet's API (e.g. a retry). */
    public HttpResponse<String> post(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last {@code lines} lines of hostlet's log, for a failure message. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no log at " + log + ")";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "----- last " + lines + " lines of " + log + " -----\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public Path log() {
        return log;
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** A health endpoint's answer. */
    public record Health(int httpCode, JsonNode body) {
        public String status() {
            return body.path("status").asText();
        }

        @Override
        public String toString() {
            return httpCode + " " + body;
        }
    }
}
