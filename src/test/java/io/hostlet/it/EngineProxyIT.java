package io.hostlet.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The test harness' own engine proxy, checked against the real engine before hostlet relies on it. */
class EngineProxyIT {

    private EngineProxy proxy;

    @BeforeEach
    void startProxy() {
        proxy = new EngineProxy(TestEngine.defaultDockerHost());
        proxy.start();
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void theEngineAnswersThroughTheProxyAndListsTheSameImages() throws Exception {
        try (TestEngine direct = new TestEngine(TestEngine.defaultDockerHost());
             TestEngine proxied = new TestEngine(proxy.dockerHost())) {
            proxied.ping();
            assertThat(proxied.client().inspectImageCmd(TestEngine.testImage()).exec().getId())
                    .isEqualTo(direct.client().inspectImageCmd(TestEngine.testImage()).exec().getId());
        }
    }

    @Test
    void aStoppedProxyRefusesTheEngineAndARestartedOneServesItAgain() throws Exception {
        try (TestEngine proxied = new TestEngine(proxy.dockerHost())) {
            proxied.ping();

            proxy.stop();
            assertThatThrownBy(proxied::ping).isInstanceOf(RuntimeException.class);

            proxy.start();
            proxied.ping();
        }
    }

    @Test
    void stoppingTheProxyCutsAConnectionThatIsAlreadyOpen() throws Exception {
        try (TestEngine proxied = new TestEngine(proxy.dockerHost());
             TestEngine direct = new TestEngine(TestEngine.defaultDockerHost())) {
            String id = proxied.runUnmanaged("it-proxy-" + Long.toHexString(System.nanoTime()),
                    Map.of(), "/bin/sh", "-c", "exec sleep 100000");
            try {
                Thread stopper = new Thread(() -> {
                    sleep(1000);
                    proxy.stop();
                });
                Instant started = Instant.now();
                stopper.start();

                // a 20 s exec holds its connection open through the proxy
                Throwable cut = catchThrowable(() -> proxied.exec(id, "sleep", "20"));

                stopper.join();
                assertThat(cut).as("an exec across the proxy's stop").isNotNull().isNotInstanceOf(AssertionError.class);
                // cut when the proxy stopped, after 1 s: neither failed at once nor finished after 20 s
                assertThat(Duration.between(started, Instant.now()))
                        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(15));
            } finally {
                direct.forceRemove(id);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
