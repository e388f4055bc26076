package io.hostlet.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registry credentials: a Docker client config file's {@code auths}, {@code credHelpers} and {@code credsStore}
 * (with real helper programs: shell scripts speaking the docker-credential-helpers protocol), and per-registry
 * password files.
 */
class RegistryAuthTest {

    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    private RegistryAuth auth(String json) throws IOException {
        return new RegistryAuth(config(json), Map.of(), List.of(dir.resolve("bin")), Duration.ofSeconds(5));
    }

    private RegistryAuth auth(String json, Map<String, RegistryAuth.PasswordFile> files, Duration helperTimeout)
            throws IOException {
        return new RegistryAuth(config(json), files, List.of(dir.resolve("bin")), helperTimeout);
    }

    /** An executable {@code docker-credential-<name>} in {@code dir/bin}: a shell script with {@code body}. */
    private Path helper(String name, String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path f = bin.resolve("docker-credential-" + name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    /** A helper that records its argument and stdin, and answers {@code json}. */
    private void answeringHelper(String name, String json) throws IOException {
        helper(name, """
                echo "$1" > "%1$s/%2$s.arg"
                cat > "%1$s/%2$s.stdin"
                cat <<'EOF'
                %3$s
                EOF""".formatted(dir, name, json));
    }

    private String stdinOf(String helper) throws IOException {
        return Files.readString(dir.resolve(helper + ".stdin"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RegistryAuth.PasswordFile login(String user, Path file) {
        return new RegistryAuth.PasswordFile(user, file);
    }

    // ---- registry hosts

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

    // ---- auths

    @Test
    void readsBase64AuthAndPlainFieldsMatchingHostsWithOrWithoutScheme() throws IOException {
        RegistryAuth auth = auth("""
                {"auths": {
                  "http://127.0.0.1:5000/v2/": {"auth": "%s"},
                  "https://index.docker.io/v1/": {"username": "hub", "password": "p:w"}
                }}""".formatted(b64("tester:s3cr:et")));

        assertThat(auth.forImage("127.0.0.1:5000/app:1")).hasValueSatisfying(c -> {
            assertThat(c.username()).isEqualTo("tester");
            assertThat(c.password()).isEqualTo("s3cr:et");
            assertThat(c.serverAddress()).isEqualTo("http://127.0.0.1:5000/v2/");
            assertThat(c.hasIdentityToken()).isFalse();
        });
        assertThat(auth.forImage("busybox:1")).hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("p:w"));
        assertThat(auth.forImage("127.0.0.1:6000/app:1")).isEmpty();
    }

    @Test
    void anIdentityTokenInAuthsIsUsedInsteadOfAPassword() throws IOException {
        RegistryAuth auth = auth("""
                {"auths": {
                  "reg.example.com": {"auth": "%s", "identitytoken": "refresh-token-1"},
                  "tok.example.com": {"identitytoken": "refresh-token-2"}
                }}""".formatted(b64("alice:")));

        assertThat(auth.forImage("reg.example.com/a")).hasValueSatisfying(c -> {
            assertThat(c.identityToken()).isEqualTo("refresh-token-1");
            assertThat(c.username()).isEqualTo("alice");
            assertThat(c.password()).isEmpty();
            assertThat(c.toString()).doesNotContain("refresh-token-1").contains("identity token hidden");
        });
        assertThat(auth.forImage("tok.example.com/a")).hasValueSatisfying(c -> {
            assertThat(c.identityToken()).isEqualTo("refresh-token-2");
            assertThat(c.username()).isEmpty();
        });
    }

    @Test
    void neverShowsThePassword() throws IOException {
        RegistryAuth auth = auth("{\"auths\": {\"reg:5000\": {\"auth\": \"" + b64("u:topsecret") + "\"}}}");
        assertThat(auth.forImage("reg:5000/a").orElseThrow().toString()).doesNotContain("topsecret").contains("u@reg:5000");
    }

    @Test
    void aMissingOrMalformedFileMeansAnonymous() throws IOException {
        assertThat(new RegistryAuth(dir.resolve("absent.json")).forImage("reg:5000/a")).isEmpty();
        assertThat(auth("{not json").forImage("reg:5000/a")).isEmpty();
        assertThat(auth("{\"auths\": {\"reg:5000\": {\"auth\": \"!!!\"}}}").forImage("reg:5000/a")).isEmpty();
        assertThat(RegistryAuth.none().forImage("reg:5000/a")).isEmpty();
    }

    // ---- credential helpers

    @Test
    void aCredHelpersEntryRunsItsHelperWithGetAndTheServerAddressOnStdin() throws IOException {
        answeringHelper("test", "{\"ServerURL\": \"reg:5000\", \"Username\": \"ci\", \"Secret\": \"from-helper\"}");
        RegistryAuth auth = auth("{\"credHelpers\": {\"reg:5000\": \"test\"}}");

        assertThat(auth.forImage("reg:5000/team/app:1")).hasValueSatisfying(c -> {
            assertThat(c.username()).isEqualTo("ci");
            assertThat(c.password()).isEqualTo("from-helper");
            assertThat(c.serverAddress()).isEqualTo("reg:5000");
        });
        assertThat(Files.readString(dir.resolve("test.arg")).trim()).isEqualTo("get");
        assertThat(stdinOf("test")).isEqualTo("reg:5000");
        // Other registries are not the helper's business.
        assertThat(auth.forImage("other:5000/app")).isEmpty();
    }

    @Test
    void credsStoreServesEveryRegistryWithoutItsOwnHelperAndHidesTheAuthsEntries() throws IOException {
        answeringHelper("store", "{\"Username\": \"from-store\", \"Secret\": \"s1\"}");
        answeringHelper("special", "{\"Username\": \"from-special\", \"Secret\": \"s2\"}");
        RegistryAuth auth = auth("""
                {"credsStore": "store",
                 "credHelpers": {"special.example.com": "special"},
                 "auths": {"reg:5000": {"auth": "%s"}}}""".formatted(b64("from-auths:pw")));

        assertThat(auth.forImage("special.example.com/a")).hasValueSatisfying(c -> assertThat(c.username()).isEqualTo("from-special"));
        // As for the docker CLI: with a credsStore, auths entries are only placeholders.
        assertThat(auth.forImage("reg:5000/a")).hasValueSatisfying(c -> assertThat(c.username()).isEqualTo("from-store"));
        assertThat(auth.forImage("busybox:1")).hasValueSatisfying(c -> assertThat(c.serverAddress()).isEqualTo("https://index.docker.io/v1/"));
        assertThat(stdinOf("store")).as("Hub is asked for under the docker CLI's address").isEqualTo("https://index.docker.io/v1/");
    }

    @Test
    void credentialsNotFoundFromAHelperMeanAnAnonymousPull() throws IOException {
        helper("empty", "cat > /dev/null\necho 'credentials not found in native keychain'\nexit 1");
        assertThat(auth("{\"credsStore\": \"empty\"}").forImage("reg:5000/a")).isEmpty();
    }

    @Test
    void aUsernameOfTokenMeansTheSecretIsAnIdentityToken() throws IOException {
        answeringHelper("oauth", "{\"ServerURL\": \"reg.example.com\", \"Username\": \"<token>\", \"Secret\": \"refresh-xyz\"}");

        RegistryAuth.Credentials c = auth("{\"credHelpers\": {\"reg.example.com\": \"oauth\"}}")
                .forImage("reg.example.com/a:1").orElseThrow();

        assertThat(c.hasIdentityToken()).isTrue();
        assertThat(c.identityToken()).isEqualTo("refresh-xyz");
        assertThat(c.username()).isEmpty();
        assertThat(c.password()).isEmpty();
        assertThat(c.toString()).doesNotContain("refresh-xyz");
    }

    @Test
    void aHelperThatIsNotOnThePathIsAnErrorNamingIt() throws IOException {
        RegistryAuth auth = auth("{\"credHelpers\": {\"reg:5000\": \"absent\"}}");

        assertThatThrownBy(() -> auth.forImage("reg:5000/a"))
                .isInstanceOf(RegistryAuth.CredentialsUnavailable.class)
                .hasMessageContaining("credentials for reg:5000")
                .hasMessageContaining("docker-credential-absent")
                .hasMessageContaining("is not on PATH")
                .hasMessageContaining("credHelpers in " + dir.resolve("config.json"));
    }

    @Test
    void aHelperNameCannotReachOutsideThePath() throws IOException {
        helper("x", "exit 0");
        assertThatThrownBy(() -> auth("{\"credsStore\": \"../bin/docker-credential-x\"}").forImage("reg:5000/a"))
                .hasMessageContaining("not a valid helper name");
    }

    @Test
    void aFailingHelperIsAnErrorWithOneShortSanitizedLineOfItsOutput() throws IOException {
        helper("broken", "read addr\necho \"error getting credentials for $addr: keychain locked\"\n"
                + "echo 'second line with more detail' >&2\nexit 3");
        assertThatThrownBy(() -> auth("{\"credsStore\": \"broken\"}").forImage("reg:5000/a"))
                .isInstanceOf(RegistryAuth.CredentialsUnavailable.class)
                .hasMessageContaining("docker-credential-broken (credsStore in " + dir.resolve("config.json") + ")")
                .hasMessageEndingWith("failed with exit code 3: error getting credentials for reg:5000: keychain locked")
                .hasMessageNotContaining("second line");
    }

    @Test
    void aFailingHelperThatPrintsWhatItHoldsHasItsOutputWithheld() throws IOException {
        helper("leaky", "cat > /dev/null\necho '{\"Username\": \"u\", \"Secret\": \"leaked-secret\"}'\nexit 1");
        helper("noisy", "cat > /dev/null\nprintf 'x%.0s' $(seq 1 500) >&2\nprintf '\\033[31mred\\n' >&2\nexit 1");

        assertThatThrownBy(() -> auth("{\"credsStore\": \"leaky\"}").forImage("reg:5000/a"))
                .hasMessageContaining("(output withheld)")
                .hasMessageNotContaining("leaked-secret");
        assertThatThrownBy(() -> auth("{\"credsStore\": \"noisy\"}").forImage("reg:5000/a"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400).endsWith("..."));
    }

    @Test
    void aHelperAnsweringSomethingOtherThanJsonIsAnErrorThatDoesNotQuoteIt() throws IOException {
        helper("garbage", "cat > /dev/null\necho 'Username=u Secret=plain-secret'");
        assertThatThrownBy(() -> auth("{\"credsStore\": \"garbage\"}").forImage("reg:5000/a"))
                .hasMessageContaining("answered something other than a JSON object")
                .hasMessageNotContaining("plain-secret");
    }

    @Test
    void aHangingHelperIsKilledWithItsChildrenAfterTheTimeout() throws Exception {
        Path pid = dir.resolve("sleep.pid");
        helper("hang", "sleep 60 &\necho $! > " + pid + "\nwait");
        RegistryAuth auth = auth("{\"credsStore\": \"hang\"}", Map.of(), Duration.ofMillis(500));

        Instant start = Instant.now();
        assertThatThrownBy(() -> auth.forImage("reg:5000/a"))
                .isInstanceOf(RegistryAuth.CredentialsUnavailable.class)
                .hasMessageContaining("docker-credential-hang")
                .hasMessageEndingWith("did not answer within 500 ms and was killed");

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        long sleepPid = Long.parseLong(Files.readString(pid).trim());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(ProcessHandle.of(sleepPid).map(ProcessHandle::isAlive).orElse(false))
                        .as("the helper's child sleep %d is gone", sleepPid).isFalse());
    }

    // ---- password files

    @Test
    void aPasswordFileIsReadAtEachUseWithoutItsTrailingNewline() throws IOException {
        Path secret = dir.resolve("reg-password");
        Files.writeString(secret, "first-pw\n");
        RegistryAuth auth = auth("{}", Map.of("127.0.0.1:5000", login("ci", secret)), Duration.ofSeconds(5));

        assertThat(auth.forImage("127.0.0.1:5000/app:1")).hasValueSatisfying(c -> {
            assertThat(c.username()).isEqualTo("ci");
            assertThat(c.password()).isEqualTo("first-pw");
            assertThat(c.serverAddress()).isEqualTo("127.0.0.1:5000");
        });

        Files.writeString(secret, "rotated pw \r\n");
        assertThat(auth.forImage("127.0.0.1:5000/app:1").orElseThrow().password()).isEqualTo("rotated pw ");
        assertThat(auth.forImage("127.0.0.1:5001/app:1")).isEmpty();
    }

    @Test
    void aPasswordFileWinsOverTheConfigFilesAuthsAndHelpersForItsRegistryOnly() throws IOException {
        Path secret = dir.resolve("reg-password");
        Files.writeString(secret, "file-pw");
        Path called = dir.resolve("helper-called");
        helper("store", "touch " + called + "\ncat > /dev/null\necho '{\"Username\": \"from-store\", \"Secret\": \"s\"}'");
        RegistryAuth auth = auth("""
                {"credsStore": "store", "credHelpers": {"reg:5000": "store"},
                 "auths": {"reg:5000": {"auth": "%s"}}}""".formatted(b64("from-auths:pw")),
                Map.of("REG:5000", login("from-file", secret), "index.docker.io", login("hub-user", secret)),
                Duration.ofSeconds(5));

        assertThat(auth.forImage("reg:5000/a").orElseThrow().username()).isEqualTo("from-file");
        assertThat(auth.forImage("busybox").orElseThrow())
                .satisfies(c -> assertThat(c.username()).isEqualTo("hub-user"))
                .satisfies(c -> assertThat(c.serverAddress()).isEqualTo("https://index.docker.io/v1/"));
        assertThat(called).as("the helper is not asked for registries with a password file").doesNotExist();
        assertThat(auth.forImage("other:5000/a").orElseThrow().username()).isEqualTo("from-store");
        assertThat(called).exists();
    }

    @Test
    void aPasswordFileThatCannotBeReadIsAnErrorNamingTheFileButNotItsContent() throws IOException {
        Path missing = dir.resolve("no-such-password");
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        Path empty = dir.resolve("empty-password");
        Files.writeString(empty, "\n");

        assertThatThrownBy(() -> auth("{}", Map.of("reg:5000", login("ci", missing)), Duration.ofSeconds(5)).forImage("reg:5000/a"))
                .isInstanceOf(RegistryAuth.CredentialsUnavailable.class)
                .hasMessage("credentials for reg:5000: password file " + missing + " does not exist");
        assertThatThrownBy(() -> auth("{}", Map.of("reg:5000", login("ci", folder)), Duration.ofSeconds(5)).forImage("reg:5000/a"))
                .hasMessageStartingWith("credentials for reg:5000: password file " + folder + " cannot be read");
        assertThatThrownBy(() -> auth("{}", Map.of("reg:5000", login("ci", empty)), Duration.ofSeconds(5)).forImage("reg:5000/a"))
                .hasMessage("credentials for reg:5000: password file " + empty + " is empty");
    }

    // ---- what the engine gets

    @Test
    void theEngineGetsAPasswordOrAnIdentityTokenButNeverBoth() throws IOException {
        JsonNode basic = decode(DockerEngine.registryAuthHeader(new RegistryAuth.Credentials("ci", "pw", "reg:5000")));
        JsonNode token = decode(DockerEngine.registryAuthHeader(new RegistryAuth.Credentials("", "", "refresh", "reg:5000")));

        assertThat(basic.path("username").asText()).isEqualTo("ci");
        assertThat(basic.path("password").asText()).isEqualTo("pw");
        assertThat(basic.path("serveraddress").asText()).isEqualTo("reg:5000");
        assertThat(basic.has("identitytoken")).isFalse();
        assertThat(token.path("identitytoken").asText()).isEqualTo("refresh");
        assertThat(token.has("password")).isFalse();
        assertThat(token.has("username")).isFalse();
        assertThat(token.path("serveraddress").asText()).isEqualTo("reg:5000");
    }

    private static JsonNode decode(String header) throws IOException {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(header));
    }
}
