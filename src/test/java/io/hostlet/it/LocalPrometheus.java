package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A Prometheus server (Debian's {@code prometheus}) run by the test on a free loopback port, scraping one hostlet's
 * {@code /q/metrics} every second with hostlet's alert rules loaded, its storage in a temp folder. Stopped through
 * its own process handle, never by name.
 */
final class LocalPrometheus implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");
    /** The scrape job, as the shipped alert rules expect it. */
    static final String JOB = "hostlet";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int port;
    private final Process process;

    /** Starts Prometheus scraping {@code 127.0.0.1:<hostletPort>/q/metrics}, with {@code rules} loaded. */
    LocalPrometheus(int hostletPort, Path rules) {
        try {
            dir = Files.createTempDirectory("hostlet-it-prometheus-");
            port = FreePort.find();
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: %s
                        metrics_path: /q/metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(rules.toAbsolutePath(), JOB, hostletPort));
            process = new ProcessBuilder(BINARY.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    private void awaitReady() {
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(UncheckedIOException.class) // not listening yet
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("prometheus exited with " + process.exitValue() + ": " + log());
                        }
                        return get("/-/ready").statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("prometheus was not ready on port " + port + ": " + log(), e);
        }
    }

    /** {@code GET /api/v1/query?query=...}: the {@code data} of a successful answer; fails on an error. */
    JsonNode query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The single value of an instant query that returns one sample; null when it returns none. */
    Double single(String promql) {
        JsonNode result = query(promql).path("result");
        if (result.isEmpty()) {
            return null;
        }
        if (result.size() != 1) {
            throw new AssertionError(promql + " returned " + result.size() + " series: " + result);
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** {@code data} of a successful answer of the HTTP API at {@code pathAndQuery}. */
    JsonNode api(String pathAndQuery) {
        HttpResponse<String> r = get(pathAndQuery);
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(pathAndQuery + " answered " + r.statusCode() + ", not JSON: " + r.body(), e);
        }
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError(pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        }
        return body.path("data");
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return LocalProcesses.get(port, pathAndQuery);
    }

    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        LocalProcesses.stop(process, Duration.ofSeconds(20), dir);
    }
}
