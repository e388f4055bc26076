package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * One hostlet for a test class: its own instance id, its own manifests folder, the packaged service running
 * against the real engine (or through an {@link EngineProxy}), and cleanup of exactly what the class and each
 * test created. Register it with {@code @RegisterExtension static final HostletFixture hostlet = ...}.
 *
 * <p>Each test asks for names with {@link #name}, {@link #volume}, writes manifests with {@link #write} and
 * creates unmanaged containers with {@link #runUnmanaged}; after the test those files are deleted and those
 * containers and volumes removed. After the class, hostlet is stopped first, then every container and network
 * labelled with the instance is removed. A test that stops hostlet leaves it stopped; the next test starts it.
 */
public final class HostletFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, TestWatcher {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration SIGTERM_WAIT = Duration.ofSeconds(30);

    private final boolean throughProxy;
    private String instance;
    private Path manifests;
    private TestEngine engine;
    private EngineProxy proxy;
    private HostletProcess process;

    private final List<String> testNames = new ArrayList<>();
    private final List<String> testFiles = new ArrayList<>();
    private final List<String> testUnmanaged = new ArrayList<>();
    private final List<String> testVolumes = new ArrayList<>();
    private final List<String> classVolumes = new ArrayList<>();

    /** -D options every start of this class's hostlet gets (after the usual ones, so they win). */
    private final List<String> options;

    private HostletFixture(boolean throughProxy, List<String> options) {
        this.throughProxy = throughProxy;
        this.options = List.copyOf(options);
    }

    private HostletFixture(boolean throughProxy) {
        this(throughProxy, List.of());
    }

    /** hostlet talking to the engine directly. */
    public static HostletFixture direct() {
        return new HostletFixture(false, List.of());
    }

    /** hostlet talking to the engine directly, started with {@code options} too ({@code -Dname=value}). */
    public static HostletFixture direct(String... options) {
        return new HostletFixture(false, List.of(options));
    }

    /** hostlet talking to the engine through an {@link EngineProxy} the test can switch off. */
    public static HostletFixture throughProxy() {
        return new HostletFixture(true, List.of());
    }

    /** The same fixture, hostlet started with these {@code -D} options too (they win over the defaults). */
    public HostletFixture withOptions(String... extra) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(extra));
        return new HostletFixture(throughProxy, all);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
        Awaitility.setDefaultPollInterval(Duration.ofMillis(200));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.ignoreExceptionsByDefault();

        String cls = context.getRequiredTestClass().getSimpleName().toLowerCase().replaceAll("[^a-z0-9]", "");
        instance = "it-" + random6() + "-" + cls;
        manifests = Files.createTempDirectory("hostlet-it-" + cls + "-");
        engine = new TestEngine(TestEngine.defaultDockerHost());
        engine.ping();
        if (throughProxy) {
            proxy = new EngineProxy(TestEngine.defaultDockerHost());
            proxy.start();
        }
        Path logs = HostletProcess.packagedJar().getParent().getParent().resolve("it-logs");
        process = new HostletProcess(HostletProcess.snapshotOfPackagedJar(),
                logs.resolve(context.getRequiredTestClass().getSimpleName() + ".log"));
        Files.deleteIfExists(process.log());
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        testNames.clear();
        testFiles.clear();
        testUnmanaged.clear();
        testVolumes.clear();
        if (proxy != null) {
            proxy.start();
        }
        if (!process.isRunning()) {
            start();
        }
        log("----- test " + context.getDisplayName() + " begins");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("[" + context.getDisplayName() + "] failed; hostlet instance " + instance
                + ", manifests " + manifests + "\n" + process.logTail(80));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        log("----- test " + context.getDisplayName() + " cleanup");
        for (String f : testFiles) {
            deleteQuietly(manifests.resolve(f));
        }
        if (process.isRunning() && (proxy == null || proxy.isRunning())) {
            // let hostlet remove what it runs for the deleted files, so it does not race our own removal
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> testNames.stream()
                        .noneMatch(n -> engine.container(n).filter(this::ours).isPresent()));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // removed by force below
            }
        }
        for (String n : testNames) {
            engine.container(n).filter(this::ours).ifPresent(c -> engine.forceRemove(c.getId()));
        }
        testUnmanaged.forEach(engine::forceRemove);
        testNames.forEach(engine::removeNetworkNamed);
        for (String v : testVolumes) {
            try {
                engine.removeVolume(v);
            } catch (RuntimeException e) {
                // still in use; retried after the class
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (process != null) {
                process.stop(SIGTERM_WAIT);
            }
        } finally {
            if (engine != null) {
                engine.removeContainersOf(instance);
                engine.removeNetworksOf(instance);
                for (String v : classVolumes) {
                    engine.removeVolume(v);
                }
                engine.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (manifests != null) {
                deleteTree(manifests);
            }
        }
    }

    private boolean ours(InspectContainerResponse c) {
        Map<String, String> labels = c.getConfig().getLabels();
        return labels != null && instance.equals(labels.get(TestEngine.INSTANCE));
    }

    // ---- lifecycle, for tests that stop, kill or restart hostlet ----

    /** Starts hostlet (through the proxy when there is one) and waits until it is live. */
    public void start() {
        process.start(manifests, proxy != null ? proxy.dockerHost() : engine.dockerHost(), instance, options);
    }

    /**
     * Stops hostlet and starts it again with {@code options} ({@code -Dname=value}) added to the class's; they stay in
     * force until the next {@link #restart()} or start, so a test that uses them should restart without them when done.
     */
    public void restartWith(String... options) {
        stop();
        List<String> all = new ArrayList<>(this.options);
        all.addAll(List.of(options));
        process.start(manifests, proxy != null ? proxy.dockerHost() : engine.dockerHost(), instance, all);
    }

    /** SIGTERM; returns whether hostlet exited within 30 s. */
    public boolean stop() {
        return process.stop(SIGTERM_WAIT);
    }

    /** SIGKILL. */
    public void kill() {
        process.kill();
    }

    public void restart() {
        stop();
        start();
    }

    public HostletProcess process() {
        return process;
    }

    // ---- what tests create ----

    /** A fresh container/network name, unique on the engine; its managed container is removed after the test. */
    public String name(String base) {
        String n = "it-" + random6() + "-" + base;
        testNames.add(n);
        return n;
    }

    /** A fresh named-volume name; the volume is removed after the test. */
    public String volume(String base) {
        String v = "it-" + random6() + "-" + base;
        testVolumes.add(v);
        classVolumes.add(v);
        return v;
    }

    /** Writes (or overwrites) a file in the manifests folder; it is deleted after the test. */
    public Path write(String file, String content) {
        Path p = manifests.resolve(file);
        try {
            Files.createDirectories(p.getParent());
            // write beside and move: hostlet never reads half a file
            Path tmp = Files.createTempFile(manifests.getParent(), "manifest-", ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!testFiles.contains(file)) {
            testFiles.add(file);
        }
        return p;
    }

    public Path write(String file, Manifest... docs) {
        return write(file, String.join("---\n", Stream.of(docs).map(Manifest::yaml).toList()));
    }

    public void delete(String file) {
        try {
            Files.delete(manifests.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates and starts a container without hostlet labels; force-removed after the test. */
    public String runUnmanaged(String name, Map<String, String> labels, String... cmd) {
        String id = engine.runUnmanaged(name, labels, cmd);
        testUnmanaged.add(id);
        return id;
    }

    // ---- observation ----

    public String instance() {
        return instance;
    }

    public Path manifestsDir() {
        return manifests;
    }

    public TestEngine engine() {
        return engine;
    }

    public EngineProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("this fixture talks to the engine directly");
        }
        return proxy;
    }

    public JsonNode status() {
        return process.status();
    }

    public JsonNode containerStatus(String name) {
        return process.containerStatus(name);
    }

    public HostletProcess.Health readiness() {
        return process.readiness();
    }

    /** Waits until the container named {@code name} runs, and returns it. */
    public InspectContainerResponse awaitRunning(String name) {
        AtomicReference<InspectContainerResponse> c = new AtomicReference<>();
        await().untilAsserted(() -> c.set(engine.running(name)));
        return c.get();
    }

    /** hostlet's reconcile passes, to wait for instead of time. */
    public Passes passes() {
        return new Passes(this::status);
    }

    /** Returns once {@code n} passes have finished after this call; see {@link Passes#awaitPasses}. */
    public JsonNode awaitPasses(int n) {
        return passes().awaitPasses(n);
    }

    /**
     * Asserts that {@code assertion} holds at every observation until {@code n} (at least 2) further passes have
     * finished, one of which began after this call and listed the engine; see {@link Passes#holdsAcrossPasses}.
     */
    public void holdsAcrossPasses(int n, ThrowingRunnable assertion) {
        passes().holdsAcrossPasses(n, assertion);
    }

    // ---- helpers ----

    private void log(String line) {
        try {
            Files.createDirectories(process.log().getParent());
            Files.writeString(process.log(), Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log marker is a convenience
        }
    }

    private static String random6() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the class cleanup deletes the folder
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(HostletFixture::deleteQuietly);
        }
    }
}
