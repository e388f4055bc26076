package io.hostlet.it;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code logs?follow=true} against the packaged jar and the real engine: follows are capped, freed as soon as their
 * client goes away (the container printing nothing meanwhile), bounded in time, and never take a connection the loop
 * needs: with more follows open than the loop's engine client has connections (64), a removal still happens and
 * SIGTERM still ends hostlet. Each follow is a raw socket, so abandoning one is closing it, or just not reading.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogFollowIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    @Test
    @Order(1)
    void theNinthFollowIsRefusedAndAClientThatLeavesFreesItsSlotAtOnce() throws Exception {
        String quiet = quietContainer();
        List<Follow> follows = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                follows.add(Follow.open(hostlet.process().port(), quiet));
            }
            assertThat(follows.stream().filter(f -> f.status() == 200)).as("the default cap").hasSize(8);
            List<Follow> refused = follows.stream().filter(f -> f.status() != 200).toList();
            assertThat(refused).hasSize(2).allSatisfy(f -> {
                assertThat(f.status()).isEqualTo(429);
                assertThat(f.head()).contains("hostlet.api.log-follows.max");
            });
            // Each open follow received the one line the container printed, then nothing: it prints no more.
            for (Follow f : follows.stream().filter(f -> f.status() == 200).toList()) {
                assertThat(f.readLine()).contains("ready-" + quiet);
            }

            follows.forEach(Follow::close); // the clients go away; the container prints nothing
            follows.clear();
            await().untilAsserted(() -> {
                follows.forEach(Follow::close);
                follows.clear();
                for (int i = 0; i < 8; i++) {
                    follows.add(Follow.open(hostlet.process().port(), quiet));
                }
                assertThat(follows).as("all 8 slots are free again").allSatisfy(f -> assertThat(f.status()).isEqualTo(200));
            });
        } finally {
            follows.forEach(Follow::close);
        }
    }

    @Test
    @Order(2)
    void aFollowEndsAtItsTimeBoundAndNotAtTheIdleTimeout() throws Exception {
        // an idle timeout shorter than the bound: a quiet follow must outlive it
        hostlet.restartWith("-Dhostlet.api.log-follows.max-duration=3s", "-Dquarkus.http.idle-timeout=1s");
        try {
            String quiet = quietContainer();
            try (Follow f = Follow.open(hostlet.process().port(), quiet)) {
                assertThat(f.status()).isEqualTo(200);
                assertThat(f.readLine()).contains("ready-" + quiet);
                assertThat(f.readToEnd()).as("blocks until hostlet ends it")
                        .contains("this follow ended after PT3S (hostlet.api.log-follows.max-duration)");
            }
        } finally {
            hostlet.restart();
        }
    }

    @Test
    @Order(3)
    void moreAbandonedFollowsThanTheLoopsPoolHoldsDelayNoRemovalAndNoStop() throws Exception {
        int many = 70; // the loop's engine client has 64 connections
        hostlet.restartWith("-Dhostlet.api.log-follows.max=" + many);
        String quiet = quietContainer();
        String victim = hostlet.name("victim");
        hostlet.write(victim + ".yaml", Manifest.container(victim).stopGracePeriod("1s"));
        hostlet.awaitRunning(victim);

        List<Follow> follows = new ArrayList<>();
        try {
            for (int i = 0; i < many; i++) {
                follows.add(Follow.open(hostlet.process().port(), quiet));
            }
            assertThat(follows).allSatisfy(f -> assertThat(f.status()).isEqualTo(200));
            // abandoned: still connected, never read again

            hostlet.delete(victim + ".yaml");
            await().untilAsserted(() -> assertThat(hostlet.engine().container(victim)).as("removed").isEmpty());

            assertThat(hostlet.stop()).as("SIGTERM ends hostlet with %d follows open", many).isTrue();
        } finally {
            follows.forEach(Follow::close);
        }
    }

    // ---- helpers ----

    /** A managed container that prints one line and then nothing. */
    private static String quietContainer() {
        String name = hostlet.name("quiet");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo ready-" + name + "; exec sleep 100000"));
        hostlet.awaitRunning(name);
        await().untilAsserted(() -> assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running"));
        return name;
    }

    /** One raw HTTP/1.1 follow: its status and headers read, its body left to read or not. */
    private static final class Follow implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final int status;
        private final String head;

        private Follow(Socket socket, BufferedReader in, int status, String head) {
            this.socket = socket;
            this.in = in;
            this.status = status;
            this.head = head;
        }

        static Follow open(int port, String name) throws IOException {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/containers/" + name + "/logs?follow=true&tail=1 HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String statusLine = in.readLine();
            StringBuilder head = new StringBuilder(statusLine).append('\n');
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                head.append(line).append('\n');
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            if (status != 200) { // a short error body: read it with the head, for the assertion
                char[] buf = new char[4096];
                int n = in.read(buf);
                head.append(n > 0 ? new String(buf, 0, n) : "");
            }
            return new Follow(s, in, status, head.toString());
        }

        int status() {
            return status;
        }

        String head() {
            return head;
        }

        /** The next line of the body that is not a chunk size. */
        String readLine() throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty() && !line.matches("[0-9a-fA-F]+")) {
                    return line;
                }
            }
            return null;
        }

        /** The rest of the body, until the chunked stream ends (a zero chunk) or the connection closes. */
        String readToEnd() throws IOException {
            StringBuilder b = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null && !line.equals("0")) {
                b.append(line).append('\n');
            }
            return b.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
