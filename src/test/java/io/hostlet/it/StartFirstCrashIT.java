package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.SpecHash;
import io.hostlet.observed.Ownership;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13, "a crash or restart of hostlet in the middle of an update finishes or rolls back the update on the next
 * pass — never two live containers for one name once settled, never none", for StartFirst against the real engine:
 * hostlet SIGKILLed while the replacement runs beside the old one with its gate pending (finished on restart), while
 * the replacement fails its gate (rolled back to the very old container on restart), or after the swap while the old
 * one, retired, drains and stops (finished on restart); and a second manifest change while a StartFirst gate is
 * pending, which settles on the newest spec with no replacement left over.
 *
 * <p>A {@link RunningWatch} lists the name's containers on the engine from the moment the old one is replaced until
 * the update settles, hostlet down or not, and records every listing in which none of them runs.
 */
class StartFirstCrashIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @AfterEach
    void hostletRunsForTheNextTest() {
        if (!hostlet.process().isRunning()) {
            hostlet.start();
        }
    }

    private List<String> containersFor(String name) {
        return engine.managedNamed(hostlet.instance(), name).stream()
                .map(c -> c.getNames()[0].substring(1)).sorted().toList();
    }

    /**
     * Every container of this hostlet instance that is the name's or carries a name derived from it (a replacement
     * {@code <name>.next-*} or a retired old one), whatever its name label says.
     */
    private List<String> everythingOf(String name) {
        return engine.containersOf(hostlet.instance()).stream()
                .filter(c -> name.equals(c.getLabels().get(TestEngine.NAME))
                        || c.getNames()[0].substring(1).startsWith(name + Ownership.REPLACEMENT_INFIX))
                .map(c -> c.getNames()[0].substring(1)).sorted().toList();
    }

    private static String hashOf(Manifest m) {
        return SpecHash.of(ManifestParser.parse("x.yaml", m.yaml()).manifests().get(0));
    }

    private static String replacementOf(String name, Manifest m) {
        return Ownership.replacementName(name, hashOf(m).substring(0, 8));
    }

    private static Manifest startFirst(String name, String network, String mode, String minReady) {
        return Manifest.container(name).network(network).env("MODE", mode)
                .spec("update: {strategy: StartFirst, progressDeadline: 60s, minReady: " + minReady + "}");
    }

    @Test
    void killedWhileTheReplacementRunsBesideTheOldOneTheUpdateIsFinishedOnRestart() throws Exception {
        String network = hostlet.name("net");
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", startFirst(name, network, "one", "1s"));
        InspectContainerResponse old = hostlet.awaitRunning(name);

        // minReady 10s: the gate is still pending when hostlet is killed.
        Manifest two = startFirst(name, network, "two", "10s");
        String next = replacementOf(name, two);
        try (RunningWatch watch = new RunningWatch(name)) {
            hostlet.write(name + ".yaml", two);
            await().untilAsserted(() -> {
                assertThat(containersFor(name)).containsExactly(name, next);
                assertThat(engine.running(next).getConfig().getEnv()).contains("MODE=two");
            });
            hostlet.kill();
            assertThat(engine.running(name).getId()).as("the old one still has the name and runs")
                    .isEqualTo(old.getId());
            assertThat(containersFor(name)).containsExactly(name, next);

            Instant newStarted = TestEngine.startedAt(engine.running(next));

            hostlet.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(everythingOf(name)).containsExactly(name);
                InspectContainerResponse now = engine.running(name);
                assertThat(now.getId()).isNotEqualTo(old.getId());
                assertThat(now.getConfig().getEnv()).contains("MODE=two");
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
            });
            // The restarted hostlet kept the gate's clock (its record of the update): the old one went only once the
            // new one had run its 10 s, not as soon as hostlet was back.
            assertThat(Duration.between(newStarted, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
            watch.assertNeverNoneRunning();
        }
        assertThat(engine.container(old.getId())).as("the old container is gone").isEmpty();
        assertThat(engine.running(name).getNetworkSettings().getNetworks().get(network).getAliases())
                .as("the new one answers to the name's alias").contains(name);
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(everythingOf(name)).containsExactly(name);
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running");
        });
    }

    @Test
    void killedWhileTheReplacementFailsItsGateTheUpdateIsRolledBackOnRestart() throws Exception {
        String network = hostlet.name("net");
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", startFirst(name, network, "one", "1s"));
        InspectContainerResponse old = hostlet.awaitRunning(name);

        // Runs until the test tells it to fail (a file), then exits, and exits again at every restart the engine makes.
        Manifest failing = startFirst(name, network, "two", "10s")
                .shell("until [ -f /tmp/fail ]; do sleep 1; done; exit 3");
        String next = replacementOf(name, failing);
        try (RunningWatch watch = new RunningWatch(name)) {
            hostlet.write(name + ".yaml", failing);
            await().untilAsserted(() -> assertThat(engine.running(next).getConfig().getEnv()).contains("MODE=two"));
            hostlet.kill();

            assertThat(engine.exec(next, "touch", "/tmp/fail").exitCode()).isZero();
            await().untilAsserted(() -> {
                InspectContainerResponse c = engine.existing(next);
                assertThat(!Boolean.TRUE.equals(c.getState().getRunning())
                        || Objects.requireNonNullElse(c.getRestartCount(), 0) > 0)
                        .as("the replacement exited while hostlet was down: %s", c.getState()).isTrue();
            });
            assertThat(engine.running(name).getId()).isEqualTo(old.getId());

            hostlet.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("RolledBack");
                assertThat(s.path("rolledBack").path("failedSpecHash").asText()).isEqualTo(hashOf(failing));
                assertThat(s.path("rolledBack").path("reason").asText()).contains("the new container");
                assertThat(everythingOf(name)).containsExactly(name);
            });
            watch.assertNeverNoneRunning();
        }
        hostlet.holdsAcrossPasses(2, () -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).as("the very container it replaced").isEqualTo(old.getId());
            assertThat(now.getConfig().getEnv()).contains("MODE=one");
            assertThat(everythingOf(name)).containsExactly(name);
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("RolledBack");
        });
    }

    @Test
    void killedWhileTheOldOneIsStoppedAfterTheSwapTheUpdateIsFinishedOnRestart() throws Exception {
        String network = hostlet.name("net");
        String name = hostlet.name("web");
        // The old one ignores SIGTERM, so its stop takes its whole grace period: a window of 2 s (drain) + 5 s in which
        // the new one already has the name and the old one, retired, still runs.
        String shell = "trap '' TERM; while :; do sleep 1; done";
        hostlet.write(name + ".yaml", startFirst(name, network, "one", "1s").shell(shell)
                .stopGracePeriod("5s"));
        InspectContainerResponse old = hostlet.awaitRunning(name);
        Manifest two = startFirst(name, network, "two", "1s");
        String retired = Ownership.retiredName(name, old.getId(), replacementOf(name, two));
        try (RunningWatch watch = new RunningWatch(name)) {
            hostlet.write(name + ".yaml", two);
            await().untilAsserted(() -> {
                assertThat(containersFor(name)).containsExactly(name, retired);
                assertThat(engine.running(name).getConfig().getEnv()).contains("MODE=two");
                assertThat(engine.running(retired).getId()).isEqualTo(old.getId());
            });
            hostlet.kill();
            assertThat(containersFor(name)).as("killed before the old one was removed").contains(retired);

            hostlet.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(everythingOf(name)).containsExactly(name);
                assertThat(engine.running(name).getConfig().getEnv()).contains("MODE=two");
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
            });
            watch.assertNeverNoneRunning();
        }
        assertThat(engine.container(old.getId())).as("the old container is gone").isEmpty();
        assertThat(engine.running(name).getNetworkSettings().getNetworks().get(network).getAliases())
                .as("the new one answers to the name's alias").contains(name);
    }

    @Test
    void aSecondChangeWhileTheGateIsPendingSettlesOnTheNewestSpecWithNothingLeftOver() throws Exception {
        String network = hostlet.name("net");
        String name = hostlet.name("web");
        hostlet.write(name + ".yaml", startFirst(name, network, "one", "1s"));
        InspectContainerResponse old = hostlet.awaitRunning(name);

        Manifest two = startFirst(name, network, "two", "10s");
        String nextTwo = replacementOf(name, two);
        try (RunningWatch watch = new RunningWatch(name)) {
            hostlet.write(name + ".yaml", two);
            await().untilAsserted(() -> {
                assertThat(containersFor(name)).containsExactly(name, nextTwo);
                assertThat(engine.running(nextTwo).getConfig().getEnv()).contains("MODE=two");
            });
            String twoId = engine.existing(nextTwo).getId();

            hostlet.write(name + ".yaml", startFirst(name, network, "three", "1s"));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(everythingOf(name)).containsExactly(name);
                InspectContainerResponse now = engine.running(name);
                assertThat(now.getConfig().getEnv()).contains("MODE=three");
                JsonNode s = hostlet.containerStatus(name);
                assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Running");
            });
            watch.assertNeverNoneRunning();
            assertThat(engine.container(old.getId())).as("the first container is gone").isEmpty();
            assertThat(engine.container(twoId)).as("the replacement of the second spec is gone").isEmpty();
        }
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(everythingOf(name)).containsExactly(name);
            assertThat(engine.running(name).getConfig().getEnv()).contains("MODE=three");
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running");
        });
    }

    /**
     * Lists the containers hostlet made for one name every 100 ms on a thread of its own, from its creation to its
     * close, and keeps every listing in which none of them runs.
     */
    private final class RunningWatch implements AutoCloseable {

        private final String name;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "running-watch");
            t.setDaemon(true);
            return t;
        });
        private final AtomicInteger listings = new AtomicInteger();
        private final List<String> noneRunning = new CopyOnWriteArrayList<>();

        RunningWatch(String name) {
            this.name = name;
            timer.scheduleWithFixedDelay(this::look, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void look() {
            try {
                List<Container> cs = engine.managedNamed(hostlet.instance(), name);
                listings.incrementAndGet();
                if (cs.stream().noneMatch(c -> "running".equals(c.getState()))) {
                    noneRunning.add(java.time.Instant.now() + " " + cs.stream()
                            .map(c -> Map.entry(c.getNames()[0], c.getState())).toList());
                }
            } catch (RuntimeException e) {
                // a listing that failed shows nothing; the next one looks again
            }
        }

        /** Stops watching and asserts that it listed, and that at least one container for the name always ran. */
        void assertNeverNoneRunning() throws InterruptedException {
            close();
            assertThat(listings.get()).as("listings made").isGreaterThan(5);
            assertThat(noneRunning).as("listings with no running container for " + name).isEmpty();
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
