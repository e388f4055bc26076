package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long steps do not block healing: while the pull of one container's image hangs, another container killed behind
 * hostlet's back runs again within seconds.
 */
class LongStepsIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();
    /** A "registry" that accepts connections and never answers: the engine's pull from it hangs until its own deadline. */
    private ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private Thread acceptor;

    @BeforeEach
    void silentRegistry() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // held open, never answered
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "silent-registry");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void closeSilentRegistry() throws Exception {
        silent.close(); // the engine's pending pull fails at once on the closed connections
        for (Socket s : held) {
            s.close();
        }
        acceptor.join(5_000);
    }

    @Test
    void aKilledContainerRunsAgainWhileAnotherContainersPullHangs() {
        String other = hostlet.name("other");
        hostlet.write(other + ".yaml", Manifest.container(other).restartPolicy("Always"));
        InspectContainerResponse before = hostlet.awaitRunning(other);

        // Its image is missing, so its create pulls from the silent registry: the engine gives up only after ~25 s.
        String slow = hostlet.name("slow");
        hostlet.write(slow + ".yaml", Manifest.container(slow).image("127.0.0.1:" + silent.getLocalPort() + "/x:1"));
        await().untilAsserted(() -> {
            JsonNode s = hostlet.containerStatus(slow);
            assertThat(s.path("phase").asText()).as("%s", s).isEqualTo("Pending");
            assertThat(s.path("message").asText()).as("%s", s).startsWith("in progress: CreateContainer");
            assertThat(held).isNotEmpty(); // the engine is talking to the silent registry
        });

        Instant killedAt = Instant.now();
        engine.kill(other);

        // Well inside the engine's bound on the hanging pull: a loop that waited for the pull would restart nothing.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            InspectContainerResponse now = engine.running(other);
            if (now.getId().equals(before.getId())) {
                assertThat(TestEngine.startedAt(now)).isAfter(killedAt);
            }
            JsonNode s = hostlet.containerStatus(slow);
            assertThat(s.path("message").asText()).as("%s", s).startsWith("in progress: CreateContainer");
            assertThat(hostlet.containerStatus(other).path("phase").asText()).isEqualTo("Running");
        });
        assertThat(engine.managedNamed(hostlet.instance(), other)).hasSize(1);
        assertThat(engine.managedNamed(hostlet.instance(), slow)).isEmpty();
    }
}
