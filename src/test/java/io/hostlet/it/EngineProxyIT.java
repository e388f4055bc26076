package io.hostlet.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

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
                // a 20 s exec holds its connection open through the proxy
                Instant started = Instant.now();
                CompletableFuture<Throwable> cut = CompletableFuture.supplyAsync(
                        () -> catchThrowable(() -> proxied.exec(id, "sleep", "20")));
                // stop the proxy once the exec runs in the container, so its connection is open and streaming
                await().untilAsserted(() -> assertThat(Arrays.stream(direct.client().topContainerCmd(id).exec().getProcesses())
                        .map(p -> String.join(" ", p))).anySatisfy(p -> assertThat(p).contains("sleep 20")));
                assertThat(cut).as("the exec, before the proxy stops").isNotDone();

                proxy.stop();

                assertThat(cut.get(30, TimeUnit.SECONDS)).as("an exec across the proxy's stop")
                        .isNotNull().isNotInstanceOf(AssertionError.class);
                // cut when the proxy stopped: neither failed before it (checked above) nor finished after 20 s
                assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(15));
            } finally {
                direct.forceRemove(id);
            }
        }
    }
}
