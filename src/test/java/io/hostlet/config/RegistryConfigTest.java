package io.hostlet.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hostlet.registry.*} as SmallRye Config maps it, from properties and from the environment. */
class RegistryConfigTest {

    private static HostletConfig.Registry registry(ConfigSource... sources) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(HostletConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(sources)
                .build();
        return config.getConfigMapping(HostletConfig.class).registry();
    }

    @Test
    void perRegistryLoginsAreKeyedByTheQuotedHost() {
        HostletConfig.Registry r = registry(new PropertiesConfigSource(Map.of(
                "hostlet.registry.auth.\"127.0.0.1:5000\".username", "ci",
                "hostlet.registry.auth.\"127.0.0.1:5000\".password-file", "/run/secrets/reg",
                "hostlet.registry.auth.\"docker.io\".username", "hub",
                "hostlet.registry.auth.\"docker.io\".password-file", "/run/secrets/hub"), "test", 100));

        assertThat(r.auth()).containsOnlyKeys("127.0.0.1:5000", "docker.io");
        assertThat(r.auth().get("127.0.0.1:5000").username()).isEqualTo("ci");
        assertThat(r.auth().get("127.0.0.1:5000").passwordFile()).isEqualTo(Path.of("/run/secrets/reg"));
        assertThat(r.helperTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void noLoginsByDefault() {
        assertThat(registry().auth()).isEmpty();
    }

    @Test
    void environmentVariablesCannotSpellAHostSoTheyNameItInHost() {
        HostletConfig.Registry r = registry(new EnvConfigSource(Map.of(
                "HOSTLET_REGISTRY_AUTH_LOCAL_HOST", "127.0.0.1:5000",
                "HOSTLET_REGISTRY_AUTH_LOCAL_USERNAME", "ci",
                "HOSTLET_REGISTRY_AUTH_LOCAL_PASSWORD_FILE", "/run/secrets/reg"), 300));

        assertThat(r.auth()).containsOnlyKeys("local");
        assertThat(r.auth().get("local").host()).hasValue("127.0.0.1:5000");
        assertThat(r.auth().get("local").username()).isEqualTo("ci");
        assertThat(r.auth().get("local").passwordFile()).isEqualTo(Path.of("/run/secrets/reg"));
    }
}
