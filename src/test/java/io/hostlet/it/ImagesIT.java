package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * Pulls from real loopback registries ({@link LocalRegistry}: open, and behind htpasswd), with credentials from a
 * Docker config file, from a password file named in configuration, and from a credential helper on hostlet's PATH;
 * ImagePullBackOff with the registry's words, and {@code imagePullPolicy: Always} following a moved tag. hostlet is
 * started here rather than through {@link HostletFixture} because it needs {@code -Dhostlet.registry.*} and its own
 * PATH; it uses the same packaged jar.
 */
class ImagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    static TestEngine engine;
    static LocalRegistry open;
    static LocalRegistry secured;
    /** Behind htpasswd too; hostlet has {@code hostlet.registry.auth."<its host>".password-file} for it. */
    static LocalRegistry securedByFile;
    static Path passwordFile;
    /** On hostlet's PATH: {@code docker-credential-hostlet-it}, which knows {@link #secured}'s login. */
    static Path helperDir;
    static Path work;
    static Path manifests;
    static Path registryConfig;
    static Path log;
    static Process hostlet;
    static int port;
    static String instance;

    final List<String> files = new ArrayList<>();
    final List<String> refs = new ArrayList<>();
    static final List<String> derived = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(LocalRegistry.BINARY), "docker-registry is not installed (scripts/test.sh installs it)");
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
        Awaitility.setDefaultPollInterval(Duration.ofMillis(200));
        Awaitility.ignoreExceptionsByDefault();
        engine = new TestEngine(TestEngine.defaultDockerHost());
        open = LocalRegistry.open();
        secured = LocalRegistry.withHtpasswd();
        securedByFile = LocalRegistry.withHtpasswd();
        work = Files.createTempDirectory("hostlet-it-images-");
        manifests = Files.createDirectories(work.resolve("manifests"));
        registryConfig = work.resolve("docker-config.json");
        passwordFile = work.resolve("registry-password");
        helperDir = Files.createDirectories(work.resolve("helper-bin"));
        writeHelper();
        instance = "it-" + random6() + "-images";
        port = FreePort.find();
        log = HostletProcess.packagedJar().getParent().getParent().resolve("it-logs").resolve("ImagesIT.log");
        Files.createDirectories(log.getParent());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HostletProcess.JVM_OPTIONS,
                "-Dhostlet.manifests.dir=" + manifests,
                "-Dhostlet.docker.host=" + engine.dockerHost(),
                "-Dhostlet.instance=" + instance,
                "-Dhostlet.resync-interval=2s",
                "-Dhostlet.registry.config=" + registryConfig,
                "-Dhostlet.registry.auth.\"" + securedByFile.host() + "\".username=" + LocalRegistry.USER,
                "-Dhostlet.registry.auth.\"" + securedByFile.host() + "\".password-file=" + passwordFile,
                "-Dhostlet.state-dir=" + work.resolve("state"),
                HostletProcess.PERMISSIVE_PRUNE.get(0), HostletProcess.PERMISSIVE_PRUNE.get(1),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-jar", HostletProcess.snapshotOfPackagedJar().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PATH", helperDir + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        hostlet = pb.start();
        await().untilAsserted(() -> assertThat(get("/q/health/live").statusCode()).isEqualTo(200));
    }

    @AfterAll
    static void stop() throws Exception {
        if (hostlet != null) {
            hostlet.destroy();
            if (!hostlet.waitFor(30, TimeUnit.SECONDS)) {
                hostlet.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (engine != null) {
            engine.removeContainersOf(instance);
            engine.removeNetworksOf(instance);
            engine.close();
        }
        if (open != null) {
            open.close();
        }
        if (secured != null) {
            secured.close();
        }
        if (securedByFile != null) {
            securedByFile.close();
        }
        if (work != null) {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @AfterEach
    void cleanup() throws IOException {
        for (String f : files) {
            Files.deleteIfExists(manifests.resolve(f));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.containersOf(instance).isEmpty());
        for (String ref : refs) {
            untag(ref);
        }
        for (String id : derived) {
            untag(id);
        }
        derived.clear();
        Files.deleteIfExists(registryConfig);
        Files.deleteIfExists(passwordFile);
    }

    // ---- helpers

    private static String random6() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    static HttpResponse<String> get(String path) {
        return LocalProcesses.get(port, path);
    }

    static JsonNode containerStatus(String name) throws IOException {
        for (JsonNode c : JSON.readTree(get("/api/v1/status").body()).path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private String name(String base) {
        return "it-" + random6() + "-" + base;
    }

    private void write(String name, String image, String pullPolicy) throws IOException {
        String yaml = Manifest.container(name).yaml()
                .replace("  image: \"" + TestEngine.testImage() + "\"\n", "  image: \"" + image + "\"\n")
                .replace("  imagePullPolicy: IfNotPresent\n", "  imagePullPolicy: " + pullPolicy + "\n");
        Path tmp = Files.createTempFile(work, "manifest-", ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, manifests.resolve(name + ".yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        files.add(name + ".yaml");
    }

    /** Tags {@code imageId} as {@code ref} in the registry, pushes it, and drops the local tag again. */
    private void publish(String imageId, String ref, LocalRegistry registry, boolean auth) throws InterruptedException {
        int colon = ref.lastIndexOf(':');
        engine.client().tagImageCmd(imageId, ref.substring(0, colon), ref.substring(colon + 1)).exec();
        refs.add(ref);
        var push = engine.client().pushImageCmd(ref);
        if (auth) {
            push.withAuthConfig(new AuthConfig().withUsername(LocalRegistry.USER).withPassword(LocalRegistry.PASSWORD)
                    .withRegistryAddress(registry.host()));
        }
        assertThat(push.exec(new ResultCallback.Adapter<PushResponseItem>()).awaitCompletion(60, TimeUnit.SECONDS))
                .as("push of %s", ref).isTrue();
        untag(ref);
    }

    private static void untag(String ref) {
        try {
            engine.client().removeImageCmd(ref).withForce(true).withNoPrune(true).exec();
        } catch (NotFoundException e) {
            // not here
        }
    }

    private static String localId(String ref) {
        try {
            return engine.client().inspectImageCmd(ref).exec().getId();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** A new image (another id and digest) from the test image: its config gains {@code MARK=<mark>}. */
    private static String derivedImage(String mark) {
        String id = engine.client().createContainerCmd(TestEngine.testImage()).withEnv("MARK=" + mark).exec().getId();
        try {
            String image = engine.client().commitCmd(id).withEnv("MARK=" + mark).exec();
            derived.add(image);
            return image;
        } finally {
            engine.forceRemove(id);
        }
    }

    private static void writeConfig(String registryHost, String user, String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(registryConfig, "{\"auths\": {\"" + registryHost + "\": {\"auth\": \"" + auth + "\"}}}");
    }

    /**
     * A real credential helper (the docker-credential-helpers protocol): the server address on stdin, JSON on stdout,
     * "credentials not found" for registries it does not know. It notes each address it is asked for.
     */
    private static void writeHelper() throws IOException {
        Path helper = helperDir.resolve("docker-credential-hostlet-it");
        Files.writeString(helper, """
                #!/bin/sh
                [ "$1" = get ] || exit 2
                server=$(cat)
                echo "$server" >> %s
                if [ "$server" = "%s" ]; then
                  printf '{"ServerURL": "%%s", "Username": "%s", "Secret": "%s"}\\n' "$server"
                else
                  echo "credentials not found in native keychain"
                  exit 1
                fi
                """.formatted(work.resolve("helper-calls"), secured.host(), LocalRegistry.USER, LocalRegistry.PASSWORD));
        Files.setPosixFilePermissions(helper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    private static String hostletLog() throws IOException {
        return Files.readString(log);
    }

    // ---- tests

    @Test
    void aMissingImageIsPulledFromAnOpenLoopbackRegistry() throws Exception {
        String ref = open.host() + "/hostlet-it/" + random6() + ":1";
        publish(localId(TestEngine.testImage()), ref, open, false);
        assertThat(localId(ref)).isNull();
        String name = name("pulled");

        write(name, ref, "IfNotPresent");

        await().untilAsserted(() -> assertThat(engine.running(name).getConfig().getImage()).isEqualTo(ref));
        assertThat(localId(ref)).isEqualTo(localId(TestEngine.testImage()));
    }

    @Test
    void aRegistryBehindHtpasswdIsPulledFromWithTheConfigFilesCredentialsAndBacksOffWithoutThem() throws Exception {
        String ref = secured.host() + "/hostlet-it/" + random6() + ":1";
        publish(localId(TestEngine.testImage()), ref, secured, true);
        String a = name("secure-a");
        String b = name("secure-b");

        write(a, ref, "IfNotPresent");
        write(b, ref, "IfNotPresent");

        // No credentials: both containers wait on the one image, with the registry's words.
        await().untilAsserted(() -> {
            for (String n : List.of(a, b)) {
                JsonNode s = containerStatus(n);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("ImagePullBackOff");
                assertThat(s.path("message").asText()).as("%s", s).contains("pull of " + ref + " failed")
                        .containsAnyOf("no basic auth credentials", "unauthorized");
            }
        });

        writeConfig(secured.host(), LocalRegistry.USER, LocalRegistry.PASSWORD);

        // The image's backoff (10 s after the first failure, 20 s after the second) ends with a pull.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            engine.running(a);
            engine.running(b);
        });
        assertThat(hostletLog()).doesNotContain(LocalRegistry.PASSWORD)
                .doesNotContain(Base64.getEncoder().encodeToString((LocalRegistry.USER + ":" + LocalRegistry.PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void pullPolicyAlwaysFollowsAMovedTagAndRecreatesTheContainer() throws Exception {
        String ref = open.host() + "/hostlet-it/" + random6() + ":stable";
        publish(derivedImage("v1-" + random6()), ref, open, false);
        String name = name("follow");

        write(name, ref, "Always");
        String first = await().until(() -> engine.running(name), c -> c != null).getImageId();
        String firstContainer = engine.running(name).getId();

        String v2 = derivedImage("v2-" + random6());
        Instant pushedAt = Instant.now();
        publish(v2, ref, open, false);

        // Noticed at the next registry check (resync 2 s here): pulled, then the container recreated on it.
        await().untilAsserted(() -> {
            var c = engine.running(name);
            assertThat(c.getId()).isNotEqualTo(firstContainer);
            assertThat(c.getImageId()).isEqualTo(v2).isNotEqualTo(first);
            assertThat(TestEngine.startedAt(c)).isAfter(pushedAt);
        });
        // The engine shows the new container a moment before hostlet logs the step that started it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hostletLog())
                .contains("recreated " + name + " (image " + ref + " updated to sha256:"));
    }

    @Test
    void anImageTheRegistryDoesNotHaveIsImagePullBackOffWithItsMessage() throws Exception {
        String ref = open.host() + "/hostlet-it/absent-" + random6() + ":1";
        String name = name("absent");

        write(name, ref, "IfNotPresent");

        await().untilAsserted(() -> {
            JsonNode s = containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("ImagePullBackOff");
            // The registry's words as the engine passes them on: the classic store quotes the registry's error,
            // containerd's resolver (Docker 28+ with the containerd image store) says "not found".
            assertThat(s.path("message").asText()).contains(engine.containerdImageStore() ? ": not found" : "manifest unknown");
        });
    }

    @Test
    void pullPolicyAlwaysRecreatesNothingWhileTheDigestStaysAndOnceWhenItMoves() throws Exception {
        String ref = open.host() + "/hostlet-it/" + random6() + ":stable";
        publish(derivedImage("v1-" + random6()), ref, open, false);
        String name = name("once");

        write(name, ref, "Always");
        String first = await().until(() -> engine.running(name), c -> c != null).getId();
        // Registry checks (one per resync, 2 s here) on an unchanged digest, for 7 s: the same container throughout.
        passes.holdsAcrossPasses(2, Instant.now().plusSeconds(7),
                () -> assertThat(engine.running(name).getId()).isEqualTo(first));

        String v2 = derivedImage("v2-" + random6());
        publish(v2, ref, open, false);
        String second = await().until(() -> engine.running(name),
                c -> c != null && !c.getId().equals(first) && v2.equals(c.getImageId())).getId();
        // Once: further checks of the moved digest leave the new container alone.
        passes.holdsAcrossPasses(2, Instant.now().plusSeconds(7),
                () -> assertThat(engine.running(name).getId()).isEqualTo(second));
        long recreated = hostletLog().lines().filter(l -> l.contains("[Executor] recreated " + name + " ")).count();
        assertThat(recreated).as("recreations of %s", name).isEqualTo(1);
    }

    private static final Passes passes = new Passes(() -> {
        try {
            return JSON.readTree(get("/api/v1/status").body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    });

    @Test
    void aPasswordFileNamedInConfigurationIsTheOnlyCredentialNeededAndIsReadAtEachPull() throws Exception {
        String ref = securedByFile.host() + "/hostlet-it/" + random6() + ":1";
        publish(localId(TestEngine.testImage()), ref, securedByFile, true);
        String name = name("by-file");
        String wrong = "wrong-pw-" + random6();

        write(name, ref, "IfNotPresent");

        // The file is not there yet: the pull fails naming it.
        await().untilAsserted(() -> {
            JsonNode s = containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("ImagePullBackOff");
            assertThat(s.path("message").asText()).as("%s", s)
                    .contains("pull of " + ref + " failed: credentials for " + securedByFile.host() + ": password file "
                            + passwordFile + " does not exist");
        });

        // A wrong password: the registry's refusal, without the password.
        Files.writeString(passwordFile, wrong + "\n");
        await().untilAsserted(() -> {
            JsonNode s = containerStatus(name);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("ImagePullBackOff");
            assertThat(s.path("message").asText()).as("%s", s).contains("pull of " + ref + " failed")
                    .doesNotContain("password file").containsIgnoringCase("unauthorized").doesNotContain(wrong);
        });

        // Rotated in place, no restart: the image's next try (20 s after the second failure) pulls.
        Files.writeString(passwordFile, LocalRegistry.PASSWORD + "\n");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> engine.running(name));
        assertThat(get("/api/v1/status").body()).doesNotContain(wrong).doesNotContain(LocalRegistry.PASSWORD);
        assertThat(hostletLog()).doesNotContain(wrong).doesNotContain(LocalRegistry.PASSWORD)
                .contains("password file " + passwordFile + " does not exist");
    }

    @Test
    void aCredentialHelperOnHostletsPathGivesTheCredentialsNamedInCredHelpers() throws Exception {
        String ref = secured.host() + "/hostlet-it/" + random6() + ":1";
        publish(localId(TestEngine.testImage()), ref, secured, true);
        Files.writeString(registryConfig, "{\"credHelpers\": {\"" + secured.host() + "\": \"hostlet-it\"}}");
        String name = name("by-helper");

        write(name, ref, "IfNotPresent");

        await().untilAsserted(() -> engine.running(name));
        assertThat(Files.readAllLines(work.resolve("helper-calls"))).contains(secured.host());
        assertThat(hostletLog()).doesNotContain(LocalRegistry.PASSWORD);
    }
}
