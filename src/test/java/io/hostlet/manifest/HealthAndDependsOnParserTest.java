package io.hostlet.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code spec.healthcheck}, {@code spec.restartOnUnhealthy} and {@code spec.dependsOn}: parsing and the spec hash. */
class HealthAndDependsOnParserTest {

    private static String withSpec(String... specLines) {
        return SpecYaml.withSpec(specLines);
    }

    private static ContainerManifest single(String yaml) {
        return SpecYaml.single(yaml);
    }

    private static List<String> errors(String yaml) {
        return SpecYaml.errors(yaml);
    }

    @Test
    void readsAnExecHealthCheckWithEveryField() {
        ContainerManifest m = single(withSpec(
                "healthcheck:",
                "  exec: [\"/bin/sh\", \"-c\", \"nc -z 127.0.0.1 80\"]",
                "  interval: 10s",
                "  timeout: 2s",
                "  retries: 5",
                "  startPeriod: 500ms",
                "restartOnUnhealthy: true"));
        assertThat(m.spec().healthcheck()).isEqualTo(new HealthCheck(List.of("/bin/sh", "-c", "nc -z 127.0.0.1 80"),
                null, Duration.ofSeconds(10), Duration.ofSeconds(2), 5, Duration.ofMillis(500)));
        assertThat(m.spec().restartOnUnhealthy()).isTrue();
        assertThat(m.spec().healthcheck().command()).containsExactly("/bin/sh", "-c", "nc -z 127.0.0.1 80");
    }

    @Test
    void anHttpCheckGetsDockersDefaultsAndBecomesAWgetCommand() {
        HealthCheck h = single(withSpec("healthcheck: {http: {port: 8080, path: /healthz}}")).spec().healthcheck();
        assertThat(h).isEqualTo(new HealthCheck(null, new HealthCheck.HttpGet(8080, "/healthz"), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 3, Duration.ZERO));
        assertThat(h.command()).containsExactly("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz");
        assertThat(single(withSpec("healthcheck: {http: {port: 80}}")).spec().healthcheck().http().path()).isEqualTo("/");
    }

    @Test
    void noHealthCheckAndNoDependenciesAreTheDefaults() {
        ContainerSpec s = single(withSpec()).spec();
        assertThat(s.healthcheck()).isNull();
        assertThat(s.restartOnUnhealthy()).isFalse();
        assertThat(s.dependsOn()).isEmpty();
        assertThat(s).isEqualTo(Specs.spec("busybox:1").build());
    }

    @Test
    void readsDependenciesWithTheirPositionAndStartedAsTheDefaultCondition() {
        ContainerSpec s = single(withSpec(
                "dependsOn:",
                "  - {name: db, condition: healthy}",
                "  - name: cache",
                "  - {name: migrate, condition: completed}")).spec();
        assertThat(s.dependsOn()).containsExactly(
                new Dependency("db", Dependency.Condition.healthy, 8, 14),
                new Dependency("cache", Dependency.Condition.started, 9, 13),
                new Dependency("migrate", Dependency.Condition.completed, 10, 14));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("neither exec nor http", withSpec("healthcheck: {interval: 5s}"),
                        List.of("7:16: spec.healthcheck: set exactly one of \"exec\" (a command) or \"http\" (a GET)")),
                arguments("both exec and http", withSpec("healthcheck: {exec: [\"true\"], http: {port: 80}}"),
                        List.of("7:16: spec.healthcheck: set exactly one of \"exec\" (a command) or \"http\" (a GET)")),
                arguments("an empty command", withSpec("healthcheck: {exec: []}"),
                        List.of("7:23: spec.healthcheck.exec: must name a command")),
                arguments("a zero interval", withSpec("healthcheck: {exec: [\"true\"], interval: 0s}"),
                        List.of("7:43: spec.healthcheck.interval: expected a duration from 1ms to 1h like 10s, 500ms or"
                                + " 1m30s, got \"0s\"")),
                arguments("zero retries", withSpec("healthcheck: {exec: [\"true\"], retries: 0}"),
                        List.of("7:42: spec.healthcheck.retries: expected an integer 1-100, got \"0\"")),
                arguments("a relative path", withSpec("healthcheck: {http: {port: 80, path: healthz}}"),
                        List.of("7:40: spec.healthcheck.http.path: expected a URL path starting with '/' without spaces,"
                                + " got \"healthz\"")),
                arguments("a port out of range", withSpec("healthcheck: {http: {port: 0}}"),
                        List.of("7:30: spec.healthcheck.http.port: expected an integer 1-65535, got \"0\"")),
                arguments("restartOnUnhealthy not a boolean", withSpec("restartOnUnhealthy: sometimes"),
                        List.of("7:23: spec.restartOnUnhealthy: expected true or false, got \"sometimes\"")),
                arguments("an unknown condition", withSpec("dependsOn: [{name: db, condition: ready}]"),
                        List.of("7:37: spec.dependsOn[0].condition: expected one of started, healthy, completed, got \"ready\"")),
                arguments("a bad name", withSpec("dependsOn: [{name: DB}]"),
                        List.of("7:22: spec.dependsOn[0].name: must be a container name (1-63 lowercase letters, digits"
                                + " or '-'), got \"DB\"")),
                arguments("a name twice", withSpec("dependsOn: [{name: db}, {name: db, condition: healthy}]"),
                        List.of("7:34: spec.dependsOn[1].name: duplicate dependency \"db\" (first at spec.dependsOn[0])")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reportsEachErrorAtTheOffendingNode(String description, String yaml, List<String> expected) {
        assertThat(errors(yaml)).isEqualTo(expected);
    }

    // ---- spec hash ----

    private static ContainerManifest withHealth(HealthCheck h, boolean restartOnUnhealthy, List<Dependency> deps) {
        return Specs.manifest("web", Specs.spec("busybox:1").healthcheck(h).restartOnUnhealthy(restartOnUnhealthy)
                .dependsOn(deps));
    }

    @Test
    void withoutAHealthCheckTheGoldenHashIsUnchanged() {
        assertThat(SpecHash.of(withHealth(null, false, List.of()))).isEqualTo("5986acb3e7b9e7f3");
    }

    @Test
    void aHealthCheckIsInTheHashWithOnlyItsNonDefaultFields() {
        HealthCheck h = new HealthCheck(List.of("true"), null, Duration.ofSeconds(10), Duration.ofSeconds(30), 3,
                Duration.ofMillis(1500));
        assertThat(SpecHash.canonical(withHealth(h, false, List.of())))
                .isEqualTo("{\"healthcheck\":{\"exec\":[\"true\"],\"interval\":\"10s\",\"startPeriod\":\"1500ms\"},"
                        + "\"image\":\"busybox:1\"}");
        HealthCheck http = new HealthCheck(null, new HealthCheck.HttpGet(80, "/healthz"), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 4, Duration.ZERO);
        assertThat(SpecHash.canonical(withHealth(http, false, List.of())))
                .isEqualTo("{\"healthcheck\":{\"http\":\"80/healthz\",\"retries\":\"4\"},\"image\":\"busybox:1\"}");
        assertThat(SpecHash.changedFields(withHealth(h, false, List.of()), "{\"image\":\"busybox:1\"}"))
                .containsExactly("healthcheck");
    }

    @Test
    void restartOnUnhealthyAndDependsOnNeedNoRecreateSoAreNotHashed() {
        ContainerManifest plain = withHealth(null, false, List.of());
        ContainerManifest ordered = withHealth(null, true,
                List.of(new Dependency("db", Dependency.Condition.healthy, 3, 5)));
        assertThat(SpecHash.of(ordered)).isEqualTo(SpecHash.of(plain));
    }
}
