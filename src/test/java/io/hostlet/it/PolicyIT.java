package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The default policy (baseline) against the real service: a refused manifest is a manifest error at its field, a
 * running container keeps its last good spec, and only hostlet's configuration lifts a rule.
 */
class PolicyIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    private List<String> errors() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : hostlet.status().path("manifestErrors")) {
            out.add(e.path("file").asText() + ":" + e.path("line").asInt() + ":" + e.path("column").asInt() + ": "
                    + e.path("message").asText());
        }
        return out;
    }

    @Test
    void aRefusedChangeKeepsTheRunningContainerUntilConfigurationAllowsIt() {
        String name = hostlet.name("ha");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name));
        String id = hostlet.awaitRunning(name).getId();

        hostlet.write(file, Manifest.container(name).spec("hostNetwork: true"));
        // the manifest's spec ends with the extra line: count to it
        int line = Manifest.container(name).spec("hostNetwork: true").yaml().lines().toList().indexOf("  hostNetwork: true") + 1;
        await().untilAsserted(() -> assertThat(errors()).contains(file + ":" + line + ":16: spec.hostNetwork: refused by"
                + " policy baseline (rule hostNetwork): the container shares the host's network namespace; only hostlet's"
                + " configuration can allow it: hostlet.policy.allow.\"" + name + "\"=hostNetwork"));
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.running(name).getId()).isEqualTo(id);
            assertThat(engine.running(name).getHostConfig().getNetworkMode()).isNotEqualTo("host");
        });

        try {
            hostlet.restartWith("-Dhostlet.policy.allow.\"" + name + "\"=hostNetwork,devices");
            await().untilAsserted(() -> {
                assertThat(engine.running(name).getHostConfig().getNetworkMode()).isEqualTo("host");
                assertThat(errors()).isEmpty();
            });
        } finally {
            hostlet.restart();
        }
    }

    @Test
    void sensitiveBindMountsAndPrivilegedAreRefusedBeforeAnythingIsCreated() {
        String etc = hostlet.name("etc");
        String priv = hostlet.name("priv");
        hostlet.write(etc + ".yaml", Manifest.container(etc).spec("volumes: [{hostPath: /etc, mountPath: /host-etc}]"));
        hostlet.write(priv + ".yaml", Manifest.container(priv).spec("securityContext: {privileged: true}"));
        await().untilAsserted(() -> assertThat(errors())
                .anyMatch(e -> e.startsWith(etc + ".yaml:") && e.contains("spec.volumes[0].hostPath: refused by policy"
                        + " baseline (rule hostPath): the container bind-mounts a sensitive host path: /etc"))
                .anyMatch(e -> e.startsWith(priv + ".yaml:") && e.contains("spec.securityContext.privileged: refused by"
                        + " policy baseline (rule privileged)")));
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.container(etc)).isEmpty();
            assertThat(engine.container(priv)).isEmpty();
        });
    }
}
