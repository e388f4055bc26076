package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12, secrets and config files against the real engine: env values and env files from {@code hostlet.secrets.dir}
 * reach the container's Env, config files and secrets are in the container with their content and mode, a content
 * change of each recreates exactly its container, a missing secret keeps the running container, and no secret value
 * shows anywhere hostlet writes.
 */
class SecretFilesIT {

    /** Every secret in this test contains this, so one search finds any leak. */
    private static final String MARK = "s3kr1t";

    private static final Path SECRETS = tempDir();

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct("-Dhostlet.secrets.dir=" + SECRETS);

    private final TestEngine engine = hostlet.engine();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hostlet-it-secrets-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeSecrets() throws IOException {
        try (Stream<Path> s = Files.walk(SECRETS)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void secret(String name, String content) throws IOException {
        Files.writeString(SECRETS.resolve(name), content, StandardCharsets.UTF_8);
    }

    private List<String> errors() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : hostlet.status().path("manifestErrors")) {
            out.add(e.path("file").asText() + ":" + e.path("line").asInt() + ": " + e.path("message").asText());
        }
        return out;
    }

    private String exec(String container, String... cmd) {
        TestEngine.ExecResult r = engine.exec(container, cmd);
        assertThat(r.exitCode()).as("exit code of %s", String.join(" ", cmd)).isZero();
        return r.output().strip();
    }

    @Test
    void contentsReachTheContainerAndEachChangeRecreatesExactlyItsContainer() throws Exception {
        String env = hostlet.name("env");
        String conf = hostlet.name("conf");
        String sec = hostlet.name("sec");
        String plain = hostlet.name("plain");
        secret(env + "-password", "pw-" + MARK + "-1\n");
        secret(env + ".env", "# the app's settings\nexport MODE=prod\nAPI_KEY='key-" + MARK + "-1'\n\n");
        secret(sec + "-token", "token-" + MARK + "-1");
        Path confDir = Files.createDirectories(hostlet.manifestsDir().resolve(conf + "-conf"));
        Files.writeString(confDir.resolve("app.conf"), "level=info\n");

        hostlet.write(env + ".yaml", Manifest.container(env).spec(
                "env:",
                "  - {name: DB_PASSWORD, valueFrom: {file: " + env + "-password}}",
                "  - {name: PLAIN, value: shown}",
                "envFrom: [{file: " + env + ".env}]"));
        hostlet.write(conf + ".yaml", Manifest.container(conf).spec(
                "files: [{source: " + conf + "-conf/app.conf, mountPath: /etc/app/app.conf}]"));
        hostlet.write(sec + ".yaml", Manifest.container(sec).spec(
                "secrets: [{source: " + sec + "-token, mountPath: /run/secrets/token}]",
                "securityContext: {runAsUser: 1000}"));
        hostlet.write(plain + ".yaml", Manifest.container(plain));

        InspectContainerResponse e1 = hostlet.awaitRunning(env);
        assertThat(e1.getConfig().getEnv()).contains("DB_PASSWORD=pw-" + MARK + "-1", "MODE=prod",
                "API_KEY=key-" + MARK + "-1", "PLAIN=shown");
        InspectContainerResponse c1 = hostlet.awaitRunning(conf);
        assertThat(exec(conf, "cat", "/etc/app/app.conf")).isEqualTo("level=info");
        assertThat(exec(conf, "stat", "-c", "%a %u", "/etc/app/app.conf")).isEqualTo("444 0");
        InspectContainerResponse s1 = hostlet.awaitRunning(sec);
        assertThat(exec(sec, "cat", "/run/secrets/token")).isEqualTo("token-" + MARK + "-1");
        assertThat(exec(sec, "stat", "-c", "%a %u", "/run/secrets/token")).isEqualTo("400 1000");
        String p1 = hostlet.awaitRunning(plain).getId();

        // the config file: only its container is recreated
        Files.writeString(confDir.resolve("app.conf"), "level=debug\n");
        await().untilAsserted(() -> assertThat(exec(conf, "cat", "/etc/app/app.conf")).isEqualTo("level=debug"));
        String c2 = engine.running(conf).getId();
        assertThat(c2).isNotEqualTo(c1.getId());
        assertThat(List.of(engine.running(env).getId(), engine.running(sec).getId(), engine.running(plain).getId()))
                .containsExactly(e1.getId(), s1.getId(), p1);

        // the env file
        secret(env + ".env", "export MODE=prod\nAPI_KEY=\"key-" + MARK + "-2\"\n");
        await().untilAsserted(() -> assertThat(engine.running(env).getConfig().getEnv()).contains("API_KEY=key-" + MARK + "-2"));
        String e2 = engine.running(env).getId();
        assertThat(e2).isNotEqualTo(e1.getId());
        assertThat(List.of(engine.running(conf).getId(), engine.running(sec).getId(), engine.running(plain).getId()))
                .containsExactly(c2, s1.getId(), p1);

        // the env value
        secret(env + "-password", "pw-" + MARK + "-2\n");
        await().untilAsserted(() -> assertThat(engine.running(env).getConfig().getEnv()).contains("DB_PASSWORD=pw-" + MARK + "-2"));
        String e3 = engine.running(env).getId();
        assertThat(e3).isNotEqualTo(e2);
        assertThat(List.of(engine.running(conf).getId(), engine.running(sec).getId(), engine.running(plain).getId()))
                .containsExactly(c2, s1.getId(), p1);

        // the secret
        secret(sec + "-token", "token-" + MARK + "-2");
        await().untilAsserted(() -> assertThat(exec(sec, "cat", "/run/secrets/token")).isEqualTo("token-" + MARK + "-2"));
        String s2 = engine.running(sec).getId();
        assertThat(s2).isNotEqualTo(s1.getId());
        assertThat(List.of(engine.running(env).getId(), engine.running(conf).getId(), engine.running(plain).getId()))
                .containsExactly(e3, c2, p1);

        // nowhere hostlet writes shows a value
        hostlet.awaitPasses(1);
        for (String path : List.of("/api/v1/status", "/api/v1/events", "/api/v1/plan", "/api/v1/containers/" + env,
                "/api/v1/containers/" + sec, "/api/v1/containers/" + conf)) {
            String body = hostlet.process().get(path).body();
            assertThat(body).as(path).isNotEmpty().doesNotContain(MARK);
        }
        assertThat(hostlet.process().get("/api/v1/containers/" + sec).body()).contains("<redacted>");
        for (String n : List.of(env, conf, sec)) {
            Map<String, String> labels = engine.running(n).getConfig().getLabels();
            assertThat(labels).containsKey("io.hostlet.spec")
                    .allSatisfy((k, v) -> assertThat(k + "=" + v).doesNotContain(MARK).doesNotContain("level="));
        }
        assertThat(Files.readString(hostlet.process().log(), StandardCharsets.UTF_8)).doesNotContain(MARK)
                .contains("recreated " + sec + " (spec changed: secrets)");
    }

    @Test
    void aMissingSecretIsAManifestErrorThatKeepsTheRunningContainer() throws Exception {
        String sec = hostlet.name("gone");
        secret(sec + "-token", "token-" + MARK);
        String file = sec + ".yaml";
        hostlet.write(file, Manifest.container(sec).spec("secrets: [{source: " + sec + "-token, mountPath: /run/secrets/t}]"));
        String id = hostlet.awaitRunning(sec).getId();

        Files.delete(SECRETS.resolve(sec + "-token"));
        String missing = "spec.secrets[0].source: " + SECRETS.resolve(sec + "-token") + " does not exist";
        await().untilAsserted(() -> assertThat(errors()).anyMatch(e -> e.startsWith(file + ":") && e.endsWith(missing)));
        hostlet.holdsAcrossPasses(2, () -> assertThat(engine.running(sec).getId()).isEqualTo(id));

        secret(sec + "-token", "token-" + MARK);
        await().untilAsserted(() -> assertThat(errors()).noneMatch(e -> e.startsWith(file + ":")));
        hostlet.holdsAcrossPasses(2, () -> assertThat(engine.running(sec).getId()).isEqualTo(id));
    }

    @Test
    void bindMountingTheSecretsFolderIsRefusedByThePolicy() throws Exception {
        String peek = hostlet.name("peek");
        hostlet.write(peek + ".yaml", Manifest.container(peek).spec("volumes: [{hostPath: " + SECRETS + ", mountPath: /s}]"));
        await().untilAsserted(() -> assertThat(errors()).anyMatch(e -> e.startsWith(peek + ".yaml:")
                && e.contains("spec.volumes[0].hostPath: refused by policy baseline (rule hostPath)")));
        hostlet.holdsAcrossPasses(2, () -> assertThat(engine.container(peek)).isEmpty());
    }
}
