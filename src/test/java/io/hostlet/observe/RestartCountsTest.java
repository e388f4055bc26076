package io.hostlet.observe;

import io.hostlet.engine.FakeEngine;
import io.hostlet.observed.Containers;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedContainer.State;
import io.hostlet.observed.ObservedState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Engine restart counts cost an inspect only when something may have moved them. */
class RestartCountsTest {

    private final FakeEngine engine = new FakeEngine();
    private final RestartCounts counts = new RestartCounts(engine);

    private static ObservedContainer c(String name, State state, Integer exit) {
        return Containers.container("id-" + name, name).image("busybox:1").labels(Map.of("io.hostlet.name", name))
                .state(state).exitCode(exit).build();
    }

    private static ObservedState listing(ObservedContainer... cs) {
        return ObservedState.listed(List.of(cs), Map.of());
    }

    @Test
    void aNewContainerIsInspectedOnceAndAnUnchangedOneNeverAgain() {
        engine.restartCounts.put("id-web", 9);
        ObservedState s = listing(c("web", State.RUNNING, null));

        assertThat(counts.update(s, Set.of())).containsEntry("id-web", 9);
        int calls = engine.calls.size();
        assertThat(counts.update(s, Set.of())).containsEntry("id-web", 9);
        assertThat(counts.update(s, null)).containsEntry("id-web", 9);

        assertThat(calls).isEqualTo(1);
        assertThat(engine.calls).hasSize(1);
    }

    @Test
    void aStateChangeOrAnEventAboutTheContainerAsksAgain() {
        ObservedState running = listing(c("web", State.RUNNING, null));
        counts.update(running, Set.of());

        engine.restartCounts.put("id-web", 1);
        assertThat(counts.update(listing(c("web", State.RESTARTING, 1)), Set.of())).containsEntry("id-web", 1);
        engine.restartCounts.put("id-web", 2);
        // running again, and the listing between die and start missed it: the event says so
        assertThat(counts.update(running, Set.of("id-web"))).containsEntry("id-web", 2);
        assertThat(counts.update(running, Set.of("id-other"))).containsEntry("id-web", 2);

        assertThat(engine.calls).containsExactly("inspect id-web", "inspect id-web", "inspect id-web");
    }

    @Test
    void aPauseAndAnUnpauseAskNothing() {
        engine.restartCounts.put("id-web", 4);
        counts.update(listing(c("web", State.RUNNING, null)), Set.of());

        assertThat(counts.update(listing(c("web", State.PAUSED, null)), Set.of())).containsEntry("id-web", 4);
        assertThat(counts.update(listing(c("web", State.RUNNING, null)), Set.of())).containsEntry("id-web", 4);

        assertThat(engine.calls).containsExactly("inspect id-web");
    }

    @Test
    void manyNewContainersAreInspectedOverSeveralPassesAndSaySoMeanwhile() {
        List<ObservedContainer> many = new ArrayList<>();
        for (int i = 0; i < RestartCounts.MAX_PER_PASS + 5; i++) {
            many.add(c("c" + i, State.RUNNING, null));
        }
        ObservedState s = listing(many.toArray(ObservedContainer[]::new));

        assertThat(counts.update(s, Set.of())).hasSize(RestartCounts.MAX_PER_PASS);
        assertThat(counts.pending()).isTrue();
        assertThat(counts.update(s, Set.of())).hasSize(RestartCounts.MAX_PER_PASS + 5);
        assertThat(counts.pending()).isFalse();
        assertThat(engine.calls).hasSize(RestartCounts.MAX_PER_PASS + 5);
    }

    @Test
    void aContainerBornWhileHostletWatchedCountsZeroUntilAStartEventSaysOtherwise() {
        java.time.Instant start = java.time.Instant.parse("2026-11-30T10:00:00.700Z");
        RestartCounts since = new RestartCounts(engine, start);
        ObservedContainer born = Containers.from(c("web", State.RUNNING, null))
                .created(java.time.Instant.parse("2026-11-30T10:00:00Z")).build(); // the list's whole seconds
        engine.restartCounts.put("id-web", 0);

        // first seen with its own start event: no inspect
        assertThat(since.update(listing(born), Set.of("id-web"))).containsEntry("id-web", 0);
        assertThat(since.update(listing(born), Set.of())).containsEntry("id-web", 0);
        assertThat(engine.calls).isEmpty();
        // the engine restarted it: a start event, one inspect
        engine.restartCounts.put("id-web", 1);
        assertThat(since.update(listing(born), Set.of("id-web"))).containsEntry("id-web", 1);
        assertThat(engine.calls).containsExactly("inspect id-web");
        // one created before hostlet started is inspected as ever
        ObservedContainer older = Containers.from(c("db", State.RUNNING, null))
                .created(java.time.Instant.parse("2026-11-30T09:59:59Z")).build();
        since.update(listing(born, older), Set.of());
        assertThat(engine.calls).containsExactly("inspect id-web", "inspect id-db");
    }

    @Test
    void aContainerBornWhileHostletWatchedAndListedBeforeItsStartCountsZeroWhenItStarts() {
        RestartCounts since = new RestartCounts(engine, java.time.Instant.parse("2026-11-30T10:00:00Z"));
        java.time.Instant birth = java.time.Instant.parse("2026-11-30T10:00:05Z");
        ObservedContainer created = Containers.from(c("web", State.CREATED, null)).created(birth).build();
        ObservedContainer running = Containers.from(c("web", State.RUNNING, null)).created(birth).build();
        engine.restartCounts.put("id-web", 0);

        // a cold converge lists it between its create and its start, then sees it running with its start event
        assertThat(since.update(listing(created), Set.of())).containsEntry("id-web", 0);
        assertThat(since.update(listing(running), Set.of("id-web"))).containsEntry("id-web", 0);
        assertThat(engine.calls).isEmpty();
        // from then on it is like any other: the engine restarted it, a start event, one inspect
        engine.restartCounts.put("id-web", 1);
        assertThat(since.update(listing(running), Set.of("id-web"))).containsEntry("id-web", 1);
        assertThat(engine.calls).containsExactly("inspect id-web");
    }

    @Test
    void aContainerThatWentIsForgotten() {
        counts.update(listing(c("web", State.RUNNING, null)), Set.of());
        assertThat(counts.update(listing(), Set.of())).isEmpty();
        counts.update(listing(c("web", State.RUNNING, null)), Set.of());

        assertThat(engine.calls).hasSize(2);
    }
}
