package io.hostlet.manifest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The spec label names what changed and never shows a value that may be secret. */
class SpecLabelTest {

    static final LabelKey KEY = LabelKey.of(new byte[LabelKey.BYTES]);

    static ContainerManifest web(List<ContainerSpec.EnvVar> env, List<String> command, List<String> args, String image) {
        ContainerSpec f = SpecHashTest.full().spec();
        ContainerSpec s = f.toBuilder().image(image).command(command).args(args).env(env)
                .stopGracePeriod(Duration.ofSeconds(10)).build();
        return new ContainerManifest("web", Map.of("tier", "frontend"), s, new SourceRef("web.yaml", 1));
    }

    static ContainerManifest withToken(String token) {
        return web(List.of(new ContainerSpec.EnvVar("TOKEN", token), new ContainerSpec.EnvVar("MODE", "prod")),
                List.of("/bin/sh"), List.of("-c", "serve --password=" + token), "nginx:1.27-alpine");
    }

    @Test
    void theLabelHoldsNamesAndDigestsButNoSecretValue() {
        String label = SpecLabel.write(withToken("s3cr3t-value"), KEY);
        assertThat(label).doesNotContain("s3cr3t-value").doesNotContain("prod").doesNotContain("--password")
                .contains("\"#\":\"" + KEY.id() + "\"")
                .contains("\"TOKEN\":\"").contains("\"MODE\":\"")
                .contains("\"image\":\"nginx:1.27-alpine\"").contains("\"tier\":\"frontend\"");
        assertThat(label).matches(".*\"args\":\"[0-9a-f]{16}\".*").matches(".*\"command\":\"[0-9a-f]{16}\".*");
    }

    @Test
    void theLabelIsPinnedForAKey() {
        ContainerManifest m = web(List.of(new ContainerSpec.EnvVar("A", "1")), List.of(), List.of(), "busybox:1");
        // Golden: a container's label must read the same in a later hostlet with the same key.
        assertThat(SpecLabel.write(m, KEY)).isEqualTo("{\"#\":\"" + KEY.id() + "\",\"cpus\":\"0.5\",\"env\":{\"A\":\""
                + KEY.digest("env.A", "1") + "\"},\"image\":\"busybox:1\",\"labels\":{\"tier\":\"frontend\"},"
                + "\"memory\":\"268435456\",\"networks\":[\"app\"],\"ports\":[\"80/tcp->127.0.0.1:8080\"],"
                + "\"restartPolicy\":\"OnFailure\",\"user\":\"1000:1000\",\"volumes\":[{\"mountPath\":\"/data\","
                + "\"name\":\"data\"},{\"hostPath\":\"/srv/site\",\"mountPath\":\"/site\",\"readOnly\":\"true\"}],"
                + "\"workingDir\":\"/srv\"}");
        assertThat(KEY.id()).isEqualTo(LabelKey.of(new byte[LabelKey.BYTES]).id()).matches("[0-9a-f]{16}");
    }

    @Test
    void theSpecHashIsNotAffected() {
        assertThat(SpecHash.of(SpecHashTest.full())).isEqualTo("a41164e112b8d72a");
    }

    @Test
    void aChangedValueIsNamedByVariableWithoutTheValue() {
        String label = SpecLabel.write(withToken("old-value"), KEY);
        List<String> changes = SpecLabel.changes(withToken("new-value"), label, KEY);
        assertThat(changes).containsExactly("args", "env TOKEN");
        assertThat(String.join(",", changes)).doesNotContain("old-value").doesNotContain("new-value");
    }

    @Test
    void addedAndRemovedVariablesAndPlainFieldsAreNamed() {
        ContainerManifest before = web(List.of(new ContainerSpec.EnvVar("A", "1"), new ContainerSpec.EnvVar("B", "2")),
                List.of(), List.of(), "busybox:1");
        ContainerManifest after = web(List.of(new ContainerSpec.EnvVar("B", "2"), new ContainerSpec.EnvVar("C", "3")),
                List.of("/bin/sh"), List.of(), "busybox:2");
        assertThat(SpecLabel.changes(after, SpecLabel.write(before, KEY), KEY))
                .containsExactly("command", "env A", "env C", "image");
        assertThat(SpecLabel.changes(before, SpecLabel.write(before, KEY), KEY)).isEmpty();
    }

    @Test
    void equalValuesOfTwoVariablesGetDifferentDigests() {
        assertThat(KEY.digest("env.A", "same")).isNotEqualTo(KEY.digest("env.B", "same"));
        assertThat(KEY.digest("env.A", "same")).isNotEqualTo(LabelKey.random().digest("env.A", "same"));
    }

    @Test
    void theOldPlainLabelOfAnEarlierHostletStillNamesTheChange() {
        String plain = SpecHash.canonical(withToken("old-value"));
        assertThat(plain).contains("TOKEN=old-value"); // what containers made before this change carry
        List<String> changes = SpecLabel.changes(withToken("new-value"), plain, KEY);
        assertThat(changes).containsExactly("args", "env TOKEN");
        assertThat(SpecLabel.changes(withToken("old-value"), plain, KEY)).isEmpty();
    }

    @Test
    void aLabelWrittenWithAnotherKeySaysItCannotCompareSecrets() {
        String label = SpecLabel.write(withToken("v"), LabelKey.random());
        ContainerManifest next = web(List.of(new ContainerSpec.EnvVar("TOKEN", "v"), new ContainerSpec.EnvVar("MODE", "prod")),
                List.of("/bin/sh"), List.of("-c", "serve --password=v"), "nginx:1.28-alpine");
        assertThat(SpecLabel.changes(next, label, KEY)).containsExactly(
                "args (not comparable: the label was written with another label key)",
                "command (not comparable: the label was written with another label key)",
                "env (not comparable: the label was written with another label key)",
                "image");
    }

    @Test
    void aMissingOrBrokenLabelIsUnknown() {
        assertThat(SpecLabel.changes(withToken("v"), null, KEY)).containsExactly("unknown");
        assertThat(SpecLabel.changes(withToken("v"), "{not json", KEY)).containsExactly("unknown");
    }

    static ContainerManifest withHealthcheck(String password) {
        ContainerSpec s = SpecHashTest.full().spec();
        HealthCheck hc = new HealthCheck(List.of("wget", "-q", "http://admin:" + password + "@127.0.0.1/"), null,
                Duration.ofSeconds(5), HealthCheck.DEFAULT_TIMEOUT, HealthCheck.DEFAULT_RETRIES,
                HealthCheck.DEFAULT_START_PERIOD);
        return new ContainerManifest("web", Map.of(), s.toBuilder().healthcheck(hc).restartOnUnhealthy(false)
                .dependsOn(List.of()).build(), new SourceRef("web.yaml", 1));
    }

    @Test
    void aHealthCheckCommandIsDigestedAndItsTimingsKept() {
        String label = SpecLabel.write(withHealthcheck("hunter2"), KEY);
        assertThat(label).doesNotContain("hunter2").contains("\"interval\":\"5s\"")
                .matches(".*\"healthcheck\":\\{\"exec\":\"[0-9a-f]{16}\".*");
        assertThat(SpecLabel.changes(withHealthcheck("changed"), label, KEY)).containsExactly("healthcheck");
        assertThat(SpecLabel.changes(withHealthcheck("hunter2"), label, KEY)).isEmpty();
    }

    @Test
    void theKeyNeverPrintsItself() {
        assertThat(KEY.toString()).isEqualTo("LabelKey[" + KEY.id() + "]");
    }
}
