package io.hostlet.export;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The stack file, field by field, for a folder using every field of the format and for the shipped examples. */
class ComposeExportTest {

    static final Path ALL_FIELDS = Path.of("src/test/resources/export/all-fields");
    static ExportResult all;
    static Map<String, Object> stack;

    @BeforeAll
    static void export() {
        DesiredState desired = read(ALL_FIELDS);
        all = ComposeExport.export(desired, FieldLines.of(ALL_FIELDS));
        stack = new Yaml().load(all.files().get(0).content());
    }

    static DesiredState read(Path folder) {
        DesiredState desired = new FolderSource(folder).read();
        assertThat(desired.errors()).isEmpty();
        return desired;
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> fields() {
        return Stream.of(
                arguments("file format", "version", "3.8"),
                arguments("image", "services.app.image", "registry.example:5000/team/app:2.1"),
                arguments("command is the entrypoint", "services.app.entrypoint", List.of("/bin/app")),
                arguments("args are the command", "services.app.command", List.of("--port", "8080")),
                arguments("args without command", "services.migrate.command", List.of("migrate")),
                arguments("no command: the image's", "services.migrate.entrypoint", null),
                arguments("workingDir", "services.app.working_dir", "/srv"),
                arguments("user", "services.app.user", "1000:2000"),
                arguments("user by name", "services.db.user", "postgres"),
                arguments("env, empty value kept, $ escaped from interpolation", "services.app.environment",
                        Map.of("MODE", "prod", "EMPTY", "", "PRICE", "$$5 $${HOME} $$(date)")),
                arguments("published ports, bound on the node like hostlet's", "services.app.ports", List.of(
                        Map.of("target", 8080, "published", 80, "protocol", "tcp", "mode", "host"),
                        Map.of("target", 5353, "published", 5353, "protocol", "udp", "mode", "host"))),
                arguments("a port without hostPort is only exposed", "services.app.expose", List.of("9090/tcp")),
                arguments("named volume and bind mount", "services.app.volumes", List.of(
                        Map.of("type", "volume", "source", "app-data", "target", "/data"),
                        Map.of("type", "bind", "source", "/srv/site", "target", "/site", "read_only", true))),
                arguments("named volume declared under its own name", "volumes",
                        Map.of("app-data", Map.of("name", "app-data"))),
                arguments("networks of a service", "services.app.networks", List.of("front", "back")),
                arguments("networks declared as overlay, nothing else", "networks",
                        Map.of("front", Map.of("driver", "overlay"), "back", Map.of("driver", "overlay"))),
                arguments("restartPolicy Always", "services.app.deploy.restart_policy", Map.of("condition", "any")),
                arguments("restartPolicy OnFailure", "services.backup.deploy.restart_policy", Map.of("condition", "on-failure")),
                arguments("restartPolicy Never", "services.migrate.deploy.restart_policy", Map.of("condition", "none")),
                arguments("one replica", "services.app.deploy.replicas", 1),
                arguments("reached by name, no virtual IP", "services.app.deploy.endpoint_mode", "dnsrr"),
                arguments("resources", "services.app.deploy.resources.limits", Map.of("cpus", "0.5", "memory", "256m")),
                arguments("memory in plain bytes", "services.db.deploy.resources.limits", Map.of("memory", "100000000")),
                arguments("whole cpus", "services.backup.deploy.resources.limits", Map.of("cpus", "2")),
                arguments("stopGracePeriod", "services.app.stop_grace_period", "90s"),
                arguments("stopGracePeriod under a second", "services.migrate.stop_grace_period", "500ms"),
                arguments("default stopGracePeriod is Swarm's too", "services.db.stop_grace_period", null),
                arguments("exec health check", "services.app.healthcheck", Map.of(
                        "test", List.of("CMD", "/bin/sh", "-c", "nc -z 127.0.0.1 8080"),
                        "interval", "10s", "timeout", "2s", "retries", 5, "start_period", "1500ms")),
                arguments("http health check as hostlet runs it, with Docker's defaults", "services.db.healthcheck", Map.of(
                        "test", List.of("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8008/health"),
                        "interval", "30s", "timeout", "30s", "retries", 3, "start_period", "0s")),
                arguments("labels on the container", "services.app.labels", Map.of("tier", "frontend", "note", "two words")),
                arguments("no labels", "services.db.labels", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void mapsEachField(String name, String path, Object expected) {
        assertThat(at(stack, path)).isEqualTo(expected);
    }

    @Test
    void reportsEachFieldWithoutCounterpartAtItsLine() {
        assertThat(all.dropped()).extracting(Dropped::toString).containsExactly(
                "app.yaml:21: app.spec.ports[0].hostIP: not exported (Swarm publishes on every address of the node;"
                        + " firewall the port instead)",
                "app.yaml:38: app.spec.dependsOn: not exported (docker stack deploy ignores depends_on: a service"
                        + " must wait for its dependencies itself)",
                "app.yaml:47: db.spec.imagePullPolicy: not exported (Swarm has no per-service pull policy: load the"
                        + " image on every node and deploy with --resolve-image never)",
                "app.yaml:57: tools.kind: not exported (kind Image has no counterpart: a node pulls an image when a"
                        + " task needs it)",
                "sub/jobs.yaml:9: migrate.spec.restartOnUnhealthy: not exported (Swarm replaces an unhealthy task"
                        + " whenever the image has a HEALTHCHECK; nothing to set)");
    }

    @Test
    void theShippedExamplesBecomeOneServiceEach() {
        Path folder = Path.of("manifests");
        DesiredState desired = read(folder);
        ExportResult result = ComposeExport.export(desired, FieldLines.of(folder));
        Map<String, Object> shipped = new Yaml().load(result.files().get(0).content());
        assertThat(((Map<?, ?>) shipped.get("services")).keySet().stream().map(String::valueOf).toList())
                .isEqualTo(desired.containers().keySet().stream().sorted().toList());
        assertThat(at(shipped, "services.worker.environment")).isEqualTo(Map.of("MODE", "prod", "INTERVAL", "5"));
        assertThat(at(shipped, "services.worker.deploy.resources.limits")).isEqualTo(Map.of("cpus", "0.25", "memory", "32m"));
        assertThat(at(shipped, "services.once.deploy.restart_policy")).isEqualTo(Map.of("condition", "on-failure"));
        assertThat(at(shipped, "volumes")).isEqualTo(Map.of("worker-data", Map.of("name", "worker-data")));
        assertThat(result.dropped()).extracting(d -> d.name() + "." + d.field())
                .containsExactly("greeter.spec.files", "busybox.kind", "reporter.spec.dependsOn", "web.spec.ports[0].hostIP");
    }

    /** The value at a dotted path of nested maps, or null. */
    static Object at(Map<String, Object> root, String path) {
        Object node = root;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }
}
