package io.hostlet.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hostlet.config.HostletConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The notifier against a receiver on loopback: formats on the wire, one retry, a bounded queue that drops. */
class NotifierTest {

    private HttpServer server;
    private Notifier notifier;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> titles = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.onStop(null);
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private String receiver(HttpHandlerBody answer) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String t = ex.getRequestHeaders().getFirst("Title");
            if (t != null) {
                titles.add(t);
            }
            ex.sendResponseHeaders(answer.code(), -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/topic";
    }

    interface HttpHandlerBody {
        int code();
    }

    private EventLog start(String url, String format, String kinds, int queue) {
        EventLog log = new EventLog(100);
        notifier = new Notifier(log, config(url, format, kinds, queue), new ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()));
        notifier.onStart(null);
        return log;
    }

    private static Event crash(String name) {
        return Event.of(Instant.parse("2026-12-01T10:00:00Z"), EventKind.CRASH_LOOP, name, "crash-looping", Map.of());
    }

    @Test
    void onlyChosenKindsArePostedInTheChosenFormat() throws Exception {
        String url = receiver(() -> 200);
        EventLog log = start(url, "ntfy", "crash-loop", 10);
        log.append(Event.of(Instant.EPOCH, EventKind.STARTED, "web", "started", Map.of()));
        log.append(crash("web"));
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.sent() == 1);
        assertThat(bodies).containsExactly("crash-looping");
        assertThat(titles).containsExactly("hostlet crash-loop: web");
    }

    @Test
    void aFailedPostIsTriedOnceMore() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String url = receiver(() -> calls.incrementAndGet() == 1 ? 503 : 204);
        EventLog log = start(url, "slack", "crash-loop", 10);
        log.append(crash("web"));
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.sent() == 1);
        assertThat(bodies).hasSize(2).allMatch(b -> b.startsWith("{\"text\":"));
        assertThat(notifier.failed()).isZero();
    }

    @Test
    void aReceiverThatKeepsFailingCostsTwoTriesAndIsCounted() throws Exception {
        String url = receiver(() -> 500);
        EventLog log = start(url, "json", "crash-loop", 10);
        log.append(crash("web"));
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.failed() == 1);
        assertThat(bodies).hasSize(2);
        assertThat(notifier.sent()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingTheAppender() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String url = receiver(() -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 204;
        });
        EventLog log = start(url, "json", "crash-loop", 1);
        log.append(crash("a")); // taken by the sender, which now waits on the receiver
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 1);
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            log.append(crash("b" + i)); // one fits the queue, four are dropped
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(notifier.dropped()).isEqualTo(4);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> notifier.sent() == 2);
    }

    private static HostletConfig config(String url, String format, String kinds, int queue) {
        HostletConfig.Notify notify = new HostletConfig.Notify() {
            public Optional<String> url() {
                return Optional.of(url);
            }

            public String format() {
                return format;
            }

            public List<String> kinds() {
                return List.of(kinds.split(","));
            }

            public Optional<Path> tokenFile() {
                return Optional.empty();
            }

            public Duration timeout() {
                return Duration.ofSeconds(5);
            }

            public int queue() {
                return queue;
            }
        };
        return (HostletConfig) Proxy.newProxyInstance(HostletConfig.class.getClassLoader(),
                new Class<?>[]{HostletConfig.class}, (p, m, a) -> {
                    if (m.getName().equals("notifications")) {
                        return notify;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
