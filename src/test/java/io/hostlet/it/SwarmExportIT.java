package io.hostlet.it;

import io.hostlet.export.ExportCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The compose export of the shipped examples, deployed for real with {@code docker stack deploy} on a single-node
 * swarm of a PRIVATE engine ({@code scripts/engine-ns.sh}, Docker 26.1 in a network namespace of its own; never the
 * main engine, whose swarm state is nobody's to change): every service reaches 1/1 and the web example answers.
 *
 * <p>Needs root (network namespace, dockerd), so it runs only when {@code HOSTLET_TEST_SWARM=on}, which
 * {@code scripts/test.sh} sets when it runs as root. About a minute: engine start, swarm init, image load, converge.
 */
@EnabledIfEnvironmentVariable(named = "HOSTLET_TEST_SWARM", matches = "on")
class SwarmExportIT {

    static final Path ROOT = Path.of("").toAbsolutePath();
    /** Unique per run, so concurrent runs (and other helpers' engines) never meet. */
    static final String ENGINE = "sw" + UUID.randomUUID().toString().substring(0, 8);
    static final String STACK = "demo";
    static String dockerHost;

    @BeforeAll
    static void startPrivateEngine() throws Exception {
        String started = run(Duration.ofMinutes(5), ROOT.resolve("scripts/engine-ns.sh").toString(), "start", ENGINE);
        dockerHost = started.lines().filter(l -> l.startsWith("DOCKER_HOST=")).findFirst().orElseThrow()
                .substring("DOCKER_HOST=".length());
        run(Duration.ofMinutes(2), ROOT.resolve("scripts/engine-ns.sh").toString(), "load", ENGINE,
                System.getenv().getOrDefault("HOSTLET_TEST_IMAGE", "hostlet-test/busybox:1"));
        docker("swarm", "init", "--advertise-addr", "127.0.0.1");
    }

    @AfterAll
    static void stopPrivateEngine() throws Exception {
        if (dockerHost != null) {
            try {
                docker("stack", "rm", STACK);
            } finally {
                // Only the engine this test started, by its own name; --purge: its data-root goes with it.
                run(Duration.ofMinutes(3), ROOT.resolve("scripts/engine-ns.sh").toString(), "stop", ENGINE, "--purge");
            }
        }
    }

    @Test
    void theShippedExamplesRunOnSwarmAndAnswer(@TempDir Path dir) throws Exception {
        // The long-running examples; jobs/once.yaml exits by design (a completed task is 0/1 on Swarm).
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        for (String f : List.of("web.yaml", "worker.yaml", "ordered.yaml", "images.yaml")) {
            Files.copy(ROOT.resolve("manifests").resolve(f), manifests.resolve(f));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ExportCommand.execute(System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
                "--format", "compose", "-o", dir.resolve("out").toString(), manifests.toString());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExportCommand.DROPPED);

        docker("stack", "deploy", "--resolve-image", "never", "-c", dir.resolve("out/stack.yaml").toString(), STACK);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(replicas()).isEqualTo(Map.of(STACK + "_reporter", "1/1", STACK + "_store", "1/1",
                        STACK + "_web", "1/1", STACK + "_worker", "1/1")));
        // web publishes 8080 in host mode: bound inside the engine's namespace, reached from there.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(run(Duration.ofSeconds(20), "nsenter", "--net=/var/run/netns/" + ENGINE,
                        "busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/")).isNotBlank());
        // worker's $MODE reached its shell unexpanded by the stack file's interpolation...
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(docker("service", "logs", "--raw", STACK + "_worker")).contains("mode=prod, every 5s"));
        // ...and it reached web by service name, writing into its named volume.
        String worker = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + STACK + "_worker").strip();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(docker("exec", worker, "cat", "/data/ticks.log")).contains("mode=prod web=up"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(docker("service", "logs", "--raw", STACK + "_reporter")).contains("store answers"));
        assertThat(docker("volume", "ls", "--format", "{{.Name}}").lines()).contains("worker-data");
    }

    static Map<String, String> replicas() throws Exception {
        Map<String, String> out = new TreeMap<>();
        docker("service", "ls", "--format", "{{.Name}} {{.Replicas}}").lines().map(l -> l.split(" "))
                .forEach(p -> out.put(p[0], p[1]));
        return out;
    }

    static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", dockerHost));
        cmd.addAll(List.of(args));
        return run(Duration.ofMinutes(2), cmd.toArray(String[]::new));
    }

    /** Runs a command; its stdout, or an AssertionError with both streams when it fails. */
    static String run(Duration timeout, String... cmd) throws IOException, InterruptedException {
        Path errFile = Files.createTempFile("swarm-it", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + ": exit " + p.exitValue() + "\n" + out
                        + Files.readString(errFile));
            }
            return out;
        } finally {
            Files.deleteIfExists(errFile);
        }
    }
}
