package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code kind: Image} and image garbage collection against the real engine and a real loopback registry
 * ({@link LocalRegistry}). hostlet runs with {@code hostlet.images.prune=true} and a grace of 3 s, and its own state
 * folder. Images are made distinct per test (a committed env var), pushed to the registry, and their local tags
 * dropped, so what is on the engine afterwards is what hostlet (or the test, playing the operator) did.
 */
class ImageKindIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration GRACE = Duration.ofSeconds(3);

    static TestEngine engine;
    static LocalRegistry registry;
    static Path work;
    static Path manifests;
    static Path stateDir;
    static Path log;
    static Process hostlet;
    static int port;
    static String instance;

    final List<String> files = new ArrayList<>();
    final List<String> refs = new ArrayList<>();
    final List<String> derived = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(LocalRegistry.BINARY), "docker-registry is not installed (scripts/test.sh installs it)");
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
        Awaitility.setDefaultPollInterval(Duration.ofMillis(200));
        Awaitility.ignoreExceptionsByDefault();
        engine = new TestEngine(TestEngine.defaultDockerHost());
        registry = LocalRegistry.open();
        work = Files.createTempDirectory("hostlet-it-imagekind-");
        manifests = Files.createDirectories(work.resolve("manifests"));
        stateDir = work.resolve("state");
        instance = "it-" + random6() + "-imagekind";
        port = FreePort.find();
        log = HostletProcess.packagedJar().getParent().getParent().resolve("it-logs").resolve("ImageKindIT.log");
        Files.createDirectories(log.getParent());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HostletProcess.JVM_OPTIONS,
                "-Dhostlet.manifests.dir=" + manifests,
                "-Dhostlet.docker.host=" + engine.dockerHost(),
                "-Dhostlet.instance=" + instance,
                "-Dhostlet.resync-interval=2s",
                "-Dhostlet.state-dir=" + stateDir,
                "-Dhostlet.images.prune=true",
                "-Dhostlet.images.prune-grace=" + GRACE.toSeconds() + "s",
                HostletProcess.PERMISSIVE_PRUNE.get(0), HostletProcess.PERMISSIVE_PRUNE.get(1),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-jar", HostletProcess.snapshotOfPackagedJar().toString());
        hostlet = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
        if (registry != null) {
            registry.close();
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
        refs.forEach(ImageKindIT::untag);
        derived.forEach(ImageKindIT::untag);
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

    static JsonNode status() throws IOException {
        return JSON.readTree(get("/api/v1/status").body());
    }

    static JsonNode imageStatus(String name) throws IOException {
        for (JsonNode i : status().path("images")) {
            if (name.equals(i.path("name").asText())) {
                return i;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private void write(String file, String content) throws IOException {
        Path tmp = Files.createTempFile(work, "manifest-", ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (!files.contains(file)) {
            files.add(file);
        }
    }

    private void writeImage(String name, String ref, String pullPolicy) throws IOException {
        write(name + ".yaml", """
                apiVersion: hostlet.io/v1
                kind: Image
                metadata: {name: %s}
                spec:
                  image: "%s"
                  imagePullPolicy: %s
                """.formatted(name, ref, pullPolicy));
    }

    private void delete(String file) throws IOException {
        Files.delete(manifests.resolve(file));
    }

    /** A new image of its own (another id) pushed as {@code <registry>/hostlet-it/<base>-<random>:1}, absent locally. */
    private String published(String base) throws InterruptedException {
        String imageId = committed(base);
        String repo = registry.host() + "/hostlet-it/" + base + "-" + random6();
        String ref = repo + ":1";
        engine.client().tagImageCmd(imageId, repo, "1").exec();
        refs.add(ref);
        assertThat(engine.client().pushImageCmd(ref).exec(new ResultCallback.Adapter<PushResponseItem>())
                .awaitCompletion(60, TimeUnit.SECONDS)).as("push of %s", ref).isTrue();
        // Gone locally, tag and image both: only a pull can bring it back.
        untag(ref);
        untag(imageId);
        assertThat(localId(ref)).isNull();
        return ref;
    }

    /**
     * A new image pushed over {@code ref} in the registry (the tag moves), leaving the local engine as it was; returns
     * the new image's id.
     */
    private String publishedAs(String ref, String mark) throws InterruptedException {
        String imageId = committed(mark);
        int colon = ref.lastIndexOf(':');
        String before = localId(ref);
        engine.client().tagImageCmd(imageId, ref.substring(0, colon), ref.substring(colon + 1)).exec();
        assertThat(engine.client().pushImageCmd(ref).exec(new ResultCallback.Adapter<PushResponseItem>())
                .awaitCompletion(60, TimeUnit.SECONDS)).as("push of %s", ref).isTrue();
        if (before != null) {
            engine.client().tagImageCmd(before, ref.substring(0, colon), ref.substring(colon + 1)).exec();
        }
        derived.add(imageId);
        return imageId;
    }

    private static String committed(String mark) {
        String cid = engine.client().createContainerCmd(TestEngine.testImage()).withEnv("MARK=" + mark + random6()).exec().getId();
        try {
            return engine.client().commitCmd(cid).withEnv("MARK=" + mark + random6()).exec();
        } finally {
            engine.forceRemove(cid);
        }
    }

    /** The operator's own {@code docker pull}. */
    private static void pullByHand(String ref) throws InterruptedException {
        int colon = ref.lastIndexOf(':');
        assertThat(engine.client().pullImageCmd(ref.substring(0, colon)).withTag(ref.substring(colon + 1))
                .exec(new ResultCallback.Adapter<PullResponseItem>()).awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    }

    private static void untag(String ref) {
        try {
            engine.client().removeImageCmd(ref).withForce(true).exec();
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

    private static final Passes passes = new Passes(() -> {
        try {
            return status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    });

    /**
     * When every image that became unwanted before this call had been marked so at the latest: the decision time of
     * a pass that began after the call (the first pass to see an image unwanted marks it; this one or an earlier).
     */
    private static Instant unwantedMarkedBy() {
        return Instant.parse(passes.awaitPasses(2).path("lastReconcile").asText());
    }

    private static String hostletLog() throws IOException {
        return Files.readString(log);
    }

    // ---- tests

    @Test
    void anImageManifestIsPulledAndPulledAgainAfterADockerRmi() throws Exception {
        String ref = published("tools");

        writeImage("tools", ref, "IfNotPresent");

        await().untilAsserted(() -> assertThat(localId(ref)).isNotNull());
        await().untilAsserted(() -> {
            JsonNode s = imageStatus("tools");
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Present");
            assertThat(s.path("imageId").asText()).isEqualTo(localId(ref));
            assertThat(s.path("image").asText()).isEqualTo(ref);
            JsonNode status = status();
            assertThat(status.path("converged").asBoolean()).as("%s", status).isTrue();
            // Local images are listed (a third call) because Image manifests exist and image GC is on; that list is
            // made even when the pass reuses the last container listing (image changes are not container events).
            JsonNode lastPass = status.path("lastPass");
            assertThat(lastPass.path("actions").asInt(-1)).as("%s", lastPass).isZero();
            assertThat(lastPass.path("apiCalls").asInt(-1)).as("%s", lastPass)
                    .isEqualTo(lastPass.path("listed").asBoolean() ? 3 : 1);
        });
        assertThat(engine.containersOf(instance)).as("an Image runs nothing").isEmpty();

        untag(ref); // docker rmi by hand

        await().untilAsserted(() -> assertThat(localId(ref)).isNotNull());
        // The engine has the image a moment before hostlet logs the pull that brought it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hostletLog())
                .contains("pulled " + ref + " (not present; Image tools keeps it"));
    }

    @Test
    void anAlwaysImageFollowsItsTagInTheRegistry() throws Exception {
        String ref = published("follow");
        writeImage("follow", ref, "Always");
        String first = await().until(() -> localId(ref), id -> id != null);
        derived.add(first); // left without a tag once the tag moves: removed by id after the test

        String moved = publishedAs(ref, "follow-v2");

        // Noticed at the next registry check (resync 2 s here) and pulled: the tag now names the new image.
        await().untilAsserted(() -> assertThat(localId(ref)).isEqualTo(moved).isNotEqualTo(first));
        await().untilAsserted(() -> assertThat(imageStatus("follow").path("imageId").asText()).isEqualTo(moved));
    }

    @Test
    void aMissingImageUnderNeverIsReportedAndNotPulled() throws Exception {
        String ref = published("never");

        writeImage("never-tools", ref, "Never");

        await().untilAsserted(() -> {
            JsonNode s = imageStatus("never-tools");
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("ErrImageNeverPull");
            assertThat(s.path("message").asText()).contains("imagePullPolicy is Never");
            assertThat(status().path("converged").asBoolean()).isFalse();
        });
        passes.holdsAcrossPasses(2, () -> assertThat(localId(ref)).isNull());
        assertThat(hostletLog()).doesNotContain("pulled " + ref);

        pullByHand(ref); // the operator loads it: now it is present, and still not hostlet's

        await().untilAsserted(() -> assertThat(imageStatus("never-tools").path("phase").asText()).isEqualTo("Present"));
    }

    @Test
    void pruningRemovesOnlyWhatHostletPulledAndNothingWants() throws Exception {
        String mine = published("gc-pulled");
        String theirs = published("gc-theirs");
        pullByHand(theirs);
        String theirsId = localId(theirs);
        String testImageId = localId(TestEngine.testImage());

        writeImage("gc-pulled", mine, "IfNotPresent");
        writeImage("gc-theirs", theirs, "IfNotPresent"); // present already: hostlet pulls nothing
        await().untilAsserted(() -> {
            assertThat(localId(mine)).isNotNull();
            assertThat(imageStatus("gc-theirs").path("phase").asText()).isEqualTo("Present");
        });

        delete("gc-pulled.yaml");
        delete("gc-theirs.yaml");
        Instant unwanted = unwantedMarkedBy();

        // Unwanted from the next pass on, removed once the grace has passed.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(localId(mine)).isNull());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hostletLog())
                .contains("removed image " + mine + " (pulled by hostlet, unused since"));
        // Passes past the grace of both, one of which listed afresh: theirs would have gone with mine.
        passes.holdsAcrossPasses(2, unwanted.plus(GRACE), () -> {
            assertThat(localId(theirs)).as("pulled by the test, not by hostlet").isEqualTo(theirsId);
            assertThat(localId(TestEngine.testImage())).as("built locally").isEqualTo(testImageId);
        });
    }

    @Test
    void pruningWaitsWhileAManifestFileHasErrors() throws Exception {
        String ref = published("gc-held");
        writeImage("gc-held", ref, "IfNotPresent");
        await().untilAsserted(() -> assertThat(localId(ref)).isNotNull());

        write("broken.yaml", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: broken}\nspce: {}\n");
        await().untilAsserted(() -> assertThat(status().path("manifestErrors")).isNotEmpty());
        delete("gc-held.yaml");
        Instant unwanted = unwantedMarkedBy();

        // Kept by passes past the grace (counted from the latest the image could have been marked unwanted).
        passes.holdsAcrossPasses(2, unwanted.plus(GRACE), () -> assertThat(localId(ref)).isNotNull());

        delete("broken.yaml"); // settled again: the grace starts now, then it goes

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(localId(ref)).isNull());
    }
}
