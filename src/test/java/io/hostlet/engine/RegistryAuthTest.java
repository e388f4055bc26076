package io.hostlet.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Registry credentials from a Docker client config file's {@code auths}. */
class RegistryAuthTest {

    @TempDir
    Path dir;

    private RegistryAuth config(String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return new RegistryAuth(f);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} comes from {1}")
    @CsvSource({
            "127.0.0.1:5000/app:1, 127.0.0.1:5000",
            "registry.example.com/team/app@sha256:00, registry.example.com",
            "localhost/app, localhost",
            "busybox:1, docker.io",
            "library/busybox, docker.io",
            "team/app:2, docker.io",
    })
    void findsTheRegistryHostOfAReferenceAsDockerDoes(String image, String host) {
        assertThat(RegistryAuth.registryHost(image)).isEqualTo(host);
    }

    @Test
    void readsBase64AuthAndPlainFieldsMatchingHostsWithOrWithoutScheme() throws IOException {
        RegistryAuth auth = config("""
                {"auths": {
                  "http://127.0.0.1:5000/v2/": {"auth": "%s"},
                  "https://index.docker.io/v1/": {"username": "hub", "password": "p:w"}
                }}""".formatted(b64("tester:s3cr:et")));

        assertThat(auth.forImage("127.0.0.1:5000/app:1")).hasValueSatisfying(c -> {
            assertThat(c.username()).isEqualTo("tester");
            assertThat(c.password()).isEqualTo("s3cr:et");
            assertThat(c.serverAddress()).isEqualTo("http://127.0.0.1:5000/v2/");
        });
        assertThat(auth.forImage("busybox:1")).hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("p:w"));
        assertThat(auth.forImage("127.0.0.1:6000/app:1")).isEmpty();
    }

    @Test
    void neverShowsThePassword() throws IOException {
        RegistryAuth auth = config("{\"auths\": {\"reg:5000\": {\"auth\": \"" + b64("u:topsecret") + "\"}}}");
        assertThat(auth.forImage("reg:5000/a").orElseThrow().toString()).doesNotContain("topsecret").contains("u@reg:5000");
    }

    @Test
    void aMissingOrMalformedFileMeansAnonymous() throws IOException {
        assertThat(new RegistryAuth(dir.resolve("absent.json")).forImage("reg:5000/a")).isEmpty();
        assertThat(config("{not json").forImage("reg:5000/a")).isEmpty();
        assertThat(config("{\"auths\": {\"reg:5000\": {\"auth\": \"!!!\"}}}").forImage("reg:5000/a")).isEmpty();
        assertThat(RegistryAuth.none().forImage("reg:5000/a")).isEmpty();
    }
}
