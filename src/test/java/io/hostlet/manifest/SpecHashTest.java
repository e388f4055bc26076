package io.hostlet.manifest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden values: if one of these changes, every container hostlet manages would be recreated on upgrade.
 * Change them only with a migration plan, never to make a test pass.
 */
class SpecHashTest {

    static ContainerManifest minimal() {
        return new ContainerManifest("web", Map.of(), Specs.spec("busybox:1").build(), new SourceRef("web.yaml", 1));
    }

    static ContainerManifest full() {
        ContainerSpec spec = Specs.spec("nginx:1.27-alpine").imagePullPolicy(PullPolicy.IfNotPresent)
                .command(List.of("/bin/sh")).args(List.of("-c", "exec httpd -f -p 80")).workingDir("/srv")
                .user("1000:1000")
                .env(List.of(new ContainerSpec.EnvVar("MODE", "prod"), new ContainerSpec.EnvVar("A", "1")))
                .ports(List.of(new ContainerSpec.PortMapping(80, 8080, ContainerSpec.Protocol.TCP, "127.0.0.1")))
                .volumes(List.of(new ContainerSpec.VolumeMount("data", null, "/data", false),
                        new ContainerSpec.VolumeMount(null, "/srv/site", "/site", true)))
                .networks(List.of("app")).restartPolicy(RestartPolicy.OnFailure)
                .resources(new ContainerSpec.Resources(268435456L, 0.5)).stopGracePeriod(Duration.ofSeconds(10))
                .build();
        return new ContainerManifest("web", Map.of("tier", "frontend"), spec, new SourceRef("web.yaml", 1));
    }

    @Test
    void minimalSpecHasAPinnedCanonicalFormAndHash() {
        assertThat(SpecHash.canonical(minimal())).isEqualTo("{\"image\":\"busybox:1\"}");
        assertThat(SpecHash.of(minimal())).isEqualTo("5986acb3e7b9e7f3");
    }

    @Test
    void fullSpecHasAPinnedCanonicalFormAndHash() {
        assertThat(SpecHash.canonical(full())).isEqualTo("{\"args\":[\"-c\",\"exec httpd -f -p 80\"],"
                + "\"command\":[\"/bin/sh\"],\"cpus\":\"0.5\",\"env\":[\"A=1\",\"MODE=prod\"],"
                + "\"image\":\"nginx:1.27-alpine\",\"labels\":{\"tier\":\"frontend\"},\"memory\":\"268435456\","
                + "\"networks\":[\"app\"],\"ports\":[\"80/tcp->127.0.0.1:8080\"],\"restartPolicy\":\"OnFailure\","
                + "\"user\":\"1000:1000\",\"volumes\":[{\"mountPath\":\"/data\",\"name\":\"data\"},"
                + "{\"hostPath\":\"/srv/site\",\"mountPath\":\"/site\",\"readOnly\":\"true\"}],\"workingDir\":\"/srv\"}");
        assertThat(SpecHash.of(full())).isEqualTo("a41164e112b8d72a");
    }

    @Test
    void fieldsThatNeedNoRecreateAreLeftOut() {
        ContainerManifest m = minimal();
        ContainerSpec s = m.spec();
        ContainerSpec other = s.toBuilder().imagePullPolicy(PullPolicy.Never).stopGracePeriod(Duration.ofMinutes(2))
                .build();
        assertThat(SpecHash.of(new ContainerManifest("web", Map.of(), other, new SourceRef("elsewhere.yaml", 9))))
                .isEqualTo(SpecHash.of(m));
    }

    @Test
    void orderOfEnvDoesNotMatterButValuesDo() {
        ContainerManifest a = full();
        ContainerSpec s = a.spec();
        ContainerSpec reordered = s.toBuilder().env(List.of(s.env().get(1), s.env().get(0))).build();
        assertThat(SpecHash.of(new ContainerManifest("web", a.labels(), reordered, a.source()))).isEqualTo(SpecHash.of(a));
        ContainerSpec changed = s.toBuilder().env(List.of(new ContainerSpec.EnvVar("MODE", "dev"))).build();
        ContainerManifest c = new ContainerManifest("web", a.labels(), changed, a.source());
        assertThat(SpecHash.of(c)).isNotEqualTo(SpecHash.of(a));
        assertThat(SpecHash.changedFields(c, SpecHash.canonical(a))).containsExactly("env");
    }

    @Test
    void changedFieldsIsUnknownForALabelFromAnOlderHostlet() {
        assertThat(SpecHash.changedFields(minimal(), null)).containsExactly("unknown");
        assertThat(SpecHash.changedFields(minimal(), "not json")).containsExactly("unknown");
    }
}
