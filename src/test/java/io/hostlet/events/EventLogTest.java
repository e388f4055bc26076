package io.hostlet.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLogTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private static Event event(String name) {
        return Event.of(T, EventKind.STARTED, name, "started", Map.of());
    }

    @Test
    void seqsIncreaseFromOneAndTheOldestFallOffAtCapacity() {
        EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            assertThat(log.append(event("c" + i)).seq()).isEqualTo(i);
        }
        assertThat(log.since(0, null)).extracting(Event::seq).containsExactly(3L, 4L, 5L);
        assertThat(log.since(0, null)).extracting(Event::name).containsExactly("c3", "c4", "c5");
        assertThat(log.lastSeq()).isEqualTo(5);
    }

    @Test
    void sinceReturnsOnlyLaterEventsAndNameFilters() {
        EventLog log = new EventLog(10);
        log.append(event("web"));
        log.append(event("db"));
        log.append(event("web"));
        log.append(Event.of(T, EventKind.ENGINE_LOST, null, "engine unreachable: x", Map.of()));
        assertThat(log.since(1, null)).extracting(Event::seq).containsExactly(2L, 3L, 4L);
        assertThat(log.since(0, "web")).extracting(Event::seq).containsExactly(1L, 3L);
        assertThat(log.since(3, "web")).isEmpty();
        assertThat(log.since(4, null)).isEmpty();
    }

    @Test
    void recentGivesTheLastNOfOneNameOldestFirst() {
        EventLog log = new EventLog(100);
        for (int i = 0; i < 30; i++) {
            log.append(event(i % 2 == 0 ? "web" : "db"));
        }
        List<Event> recent = log.recent("web", 5);
        assertThat(recent).extracting(Event::seq).containsExactly(21L, 23L, 25L, 27L, 29L);
        assertThat(log.recent("nobody", 20)).isEmpty();
    }

    @Test
    void aSubscriberFromASeqGetsTheReplayThenLiveEventsInOrderWithoutGapsOrRepeats() {
        EventLog log = new EventLog(10);
        log.append(event("a"));
        log.append(event("b"));
        log.append(event("c"));
        List<Long> got = new ArrayList<>();
        Runnable unsubscribe = log.subscribe(1, e -> got.add(e.seq()));
        log.append(event("d"));
        unsubscribe.run();
        log.append(event("e"));
        assertThat(got).containsExactly(2L, 3L, 4L);
        assertThat(log.subscribers()).isZero();
    }

    @Test
    void aFailingSubscriberDoesNotStopTheOthersOrTheAppend() {
        EventLog log = new EventLog(10);
        List<Long> got = new ArrayList<>();
        log.subscribe(e -> {
            throw new IllegalStateException("broken");
        });
        log.subscribe(e -> got.add(e.seq()));
        assertThat(log.append(event("a")).seq()).isEqualTo(1);
        assertThat(got).containsExactly(1L);
    }

    @Test
    void concurrentAppendsGetDistinctConsecutiveSeqsAndSubscribersSeeThemInOrder() throws Exception {
        EventLog log = new EventLog(10_000);
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        log.subscribe(e -> seen.add(e.seq()));
        int threads = 4;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    log.append(event("t" + id));
                    log.since(log.lastSeq() - 5, "t" + id); // readers while writing
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        List<Long> all = log.since(0, null).stream().map(Event::seq).toList();
        assertThat(all).hasSize(threads * each);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).isEqualTo(i + 1L);
        }
        assertThat(seen).isEqualTo(all);
    }

    @Test
    void capacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new EventLog(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesAreOneLineAndCarryNoUrlCredentials() {
        Event e = Event.of(T, EventKind.PULL_FAILED, "web",
                "could not get image r.example/x:1: Get https://bob:s3cret@r.example/v2/: denied\nsecond line",
                Map.of());
        assertThat(e.message()).doesNotContain("s3cret").doesNotContain("bob").doesNotContain("\n")
                .contains("https://<redacted>@r.example/v2/");
    }
}
