package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events against the real engine: what hostlet does and sees shows in {@code /api/v1/events}, live in the SSE stream
 * (replayed from {@code Last-Event-ID}), and as notifications posted to a receiver on loopback.
 */
class EventsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every POST the notification receiver got: its headers of interest and body. */
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final HttpServer RECEIVER = receiver();
    private static final Path NOTIFY_TOKEN = tokenFile();

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct(
            "-Dhostlet.notify.url=http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/hook/secret-path",
            "-Dhostlet.notify.token-file=" + NOTIFY_TOKEN,
            "-Dhostlet.events.keep-alive=1s");

    record Received(String path, String contentType, String authorization, String body) {
    }

    private static HttpServer receiver() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/hook", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                RECEIVED.add(new Received(ex.getRequestURI().getPath(),
                        ex.getRequestHeaders().getFirst("Content-Type"),
                        ex.getRequestHeaders().getFirst("Authorization"), body));
                ex.sendResponseHeaders(204, -1);
                ex.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tokenFile() {
        try {
            Path f = Files.createTempFile("hostlet-notify-token-", "");
            Files.writeString(f, "notify-t0ken\n");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    private List<JsonNode> events(String name) {
        HttpResponse<String> r = hostlet.process().get("/api/v1/events?name=" + name);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.body()).path("events").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> kinds(List<JsonNode> events) {
        return events.stream().map(e -> e.path("kind").asText()).toList();
    }

    @Test
    void creatingAContainerYieldsCreatedAndStartedEvents() {
        String name = hostlet.name("ev-new");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name);

        await().untilAsserted(() -> {
            List<JsonNode> events = events(name);
            assertThat(kinds(events)).as("%s", events).containsSubsequence("created", "started");
            JsonNode created = events.stream().filter(e -> e.path("kind").asText().equals("created")).findFirst()
                    .orElseThrow();
            assertThat(created.path("seq").asLong()).isPositive();
            assertThat(created.path("name").asText()).isEqualTo(name);
            assertThat(created.path("message").asText()).contains("created");
            assertThat(created.path("details").path("image").asText()).isEqualTo(TestEngine.testImage());
            assertThat(java.time.Instant.parse(created.path("time").asText())).isNotNull();
        });
        // since= gives only what came after
        List<JsonNode> all = events(name);
        long last = all.get(all.size() - 1).path("seq").asLong();
        HttpResponse<String> r = hostlet.process().get("/api/v1/events?name=" + name + "&since=" + last);
        assertThat(r.body()).isEqualTo("{\"events\":[]}");
    }

    @Test
    void aCrashingContainerYieldsExitedAndCrashLoopAndACrashLoopNotification() {
        String name = hostlet.name("ev-crash");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo failing; exit 3"));

        await().untilAsserted(() -> {
            List<JsonNode> events = events(name);
            assertThat(kinds(events)).as("%s", events).contains("created", "exited", "crash-loop");
            JsonNode exited = events.stream().filter(e -> e.path("kind").asText().equals("exited")).findFirst()
                    .orElseThrow();
            assertThat(exited.path("details").path("code").asInt()).as("%s", exited).isEqualTo(3);
        });
        // exactly one crash-loop for this episode, however often the engine restarts it
        hostlet.awaitPasses(3);
        assertThat(kinds(events(name)).stream().filter("crash-loop"::equals)).hasSize(1);

        await().untilAsserted(() -> {
            List<Received> mine = RECEIVED.stream().filter(r -> r.body().contains("\"" + name + "\"")).toList();
            assertThat(mine).as("notifications %s", RECEIVED).isNotEmpty();
            Received n = mine.get(0);
            JsonNode event = JSON.readTree(n.body());
            assertThat(event.path("kind").asText()).isEqualTo("crash-loop");
            assertThat(event.path("name").asText()).isEqualTo(name);
            assertThat(event.path("seq").asLong()).isPositive();
            assertThat(n.contentType()).startsWith("application/json");
            assertThat(n.authorization()).isEqualTo("Bearer notify-t0ken");
            assertThat(n.path()).isEqualTo("/hook/secret-path");
        });
        // only the chosen kinds are posted: created and exited are not among the defaults
        assertThat(RECEIVED).noneMatch(r -> r.body().contains("\"" + name + "\"")
                && (r.body().contains("\"kind\":\"created\"") || r.body().contains("\"kind\":\"exited\"")));
        // events are logged; the token and the URL's path never are (the "=====" lines are the test's command line)
        String log = hostlet.process().logTail(100_000).lines().filter(l -> !l.startsWith("====="))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(log).doesNotContain("notify-t0ken").doesNotContain("secret-path")
                .contains("WARN  [EventLog] crash-loop " + name + ": ");
    }

    @Test
    void theStreamDeliversAChangeMadeAfterConnectingAndReplaysFromLastEventId() throws Exception {
        String name = hostlet.name("ev-sse");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Stream<String> stream = connect(null, lines)) {
            // connected: the stream opens with a comment and keeps alive with more
            await().untilAsserted(() -> assertThat(lines).contains(":keep-alive"));
            hostlet.write(name + ".yaml", Manifest.container(name));
            await().untilAsserted(() -> assertThat(sseEvents(lines, name)).extracting(SseEvent::kind)
                    .containsSubsequence("created", "started"));
        }
        List<SseEvent> live = sseEvents(lines, name);
        SseEvent created = live.stream().filter(e -> e.kind().equals("created")).findFirst().orElseThrow();
        assertThat(created.data().path("seq").asLong()).isEqualTo(created.id());
        assertThat(created.data().path("kind").asText()).isEqualTo("created");

        // a client that saw the event before "created" reconnects: it gets created and what followed, in order
        List<String> replay = new CopyOnWriteArrayList<>();
        try (Stream<String> stream = connect(Long.toString(created.id() - 1), replay)) {
            await().untilAsserted(() -> assertThat(sseEvents(replay, name)).extracting(SseEvent::kind)
                    .containsSubsequence("created", "started"));
            List<SseEvent> all = sseEvents(replay, null);
            assertThat(all.get(0).id()).isEqualTo(created.id());
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).id()).isEqualTo(all.get(i - 1).id() + 1);
            }
        }
    }

    record SseEvent(long id, String kind, JsonNode data) {
    }

    /** The events in {@code lines} ({@code id:}, {@code event:}, {@code data:} then a blank line), of {@code name}. */
    private static List<SseEvent> sseEvents(List<String> lines, String name) throws IOException {
        List<SseEvent> out = new ArrayList<>();
        Long id = null;
        String kind = null;
        String data = null;
        for (String l : List.copyOf(lines)) {
            if (l.startsWith("id:")) {
                id = Long.parseLong(l.substring(3).trim());
            } else if (l.startsWith("event:")) {
                kind = l.substring(6).trim();
            } else if (l.startsWith("data:")) {
                data = l.substring(5).trim();
            } else if (l.isEmpty() && data != null) {
                JsonNode d = JSON.readTree(data);
                if (name == null || name.equals(d.path("name").asText())) {
                    out.add(new SseEvent(id, kind, d));
                }
                id = null;
                kind = null;
                data = null;
            }
        }
        return out;
    }

    /** Opens the stream (with {@code Last-Event-ID} when given) and copies its lines into {@code into} as they come. */
    private Stream<String> connect(String lastEventId, List<String> into) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hostlet.process().port() + "/api/v1/events/stream"))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            req.header("Last-Event-ID", lastEventId);
        }
        CompletableFuture<HttpResponse<Stream<String>>> f = HttpClient.newHttpClient()
                .sendAsync(req.build(), HttpResponse.BodyHandlers.ofLines());
        await().until(f::isDone);
        HttpResponse<Stream<String>> r = f.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Stream<String> body = r.body();
        Thread reader = new Thread(() -> {
            try {
                body.forEach(into::add);
            } catch (RuntimeException e) {
                // closed by the test
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return body;
    }
}
