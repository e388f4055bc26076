package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 10, case 2: an env value is a secret; no label, status or log line shows it. */
class SecretsIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    private static String log() throws IOException {
        return Files.readString(hostlet.process().log(), StandardCharsets.UTF_8);
    }

    @Test
    void anEnvValueIsInNoLabelNoStatusAndNoLogLineAndAChangeIsNamedByVariable() throws Exception {
        String name = hostlet.name("api");
        hostlet.write(name + ".yaml", Manifest.container(name).env("TOKEN", "s3cr3t-value").env("MODE", "a"));
        InspectContainerResponse first = hostlet.awaitRunning(name);
        assertThat(first.getConfig().getEnv()).as("the container itself gets it").contains("TOKEN=s3cr3t-value");
        assertThat(first.getConfig().getLabels()).containsKey("io.hostlet.spec")
                .allSatisfy((k, v) -> assertThat(k + "=" + v).doesNotContain("s3cr3t-value"));
        assertThat(first.getConfig().getLabels().get("io.hostlet.spec")).contains("\"TOKEN\":");
        await().untilAsserted(() -> assertThat(hostlet.process().get("/api/v1/status").body()).contains(name));
        assertThat(hostlet.process().get("/api/v1/status").body()).doesNotContain("s3cr3t-value");

        hostlet.write(name + ".yaml", Manifest.container(name).env("TOKEN", "n3w-s3cr3t").env("MODE", "a"));
        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isNotEqualTo(first.getId());
            assertThat(now.getConfig().getEnv()).contains("TOKEN=n3w-s3cr3t");
        });
        await().untilAsserted(() -> assertThat(log()).contains("recreated " + name + " (spec changed: env TOKEN)"));
        InspectContainerResponse second = engine.running(name);
        assertThat(second.getConfig().getLabels())
                .allSatisfy((k, v) -> assertThat(k + "=" + v).doesNotContain("s3cr3t"));
        assertThat(hostlet.process().get("/api/v1/status").body()).doesNotContain("s3cr3t");
        assertThat(log()).doesNotContain("s3cr3t");
    }
}
