package io.hostlet.plan;

import io.hostlet.execute.Outcome;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SpecHash;
import io.hostlet.manifest.UpdatePolicy;
import io.hostlet.observed.Containers;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedContainer.Health;
import io.hostlet.observed.ObservedContainer.State;
import io.hostlet.observed.Ownership;
import io.hostlet.plan.PlannerTest.World;
import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;
import io.hostlet.recorder.Recorder;
import io.hostlet.recorder.UpdateBook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.hostlet.plan.HealthAndOrderPlannerTest.CHECK;
import static io.hostlet.plan.PlannerTest.NOW;
import static io.hostlet.plan.PlannerTest.converged;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Updates with a health gate and rollback (issue 13), as the planner sees them. The base world: {@code web} ran
 * {@code busybox:1} (spec {@link #H1}) and its manifest now says {@code busybox:2} ({@link #H2}), with the default
 * update policy (StopFirst, 60 s, 5 s, rollback) unless a row says otherwise. Rows in the gate give the planner the
 * record the recorder keeps ({@link Updates}) and the engine as the update's step left it.
 */
class UpdatePlannerTest {

    static final ContainerManifest WEB1 = manifest("web", "busybox:1", "web.yaml", "app");
    static final ContainerManifest WEB2 = manifest("web", "busybox:2", "web.yaml", "app");
    static final ContainerManifest WEB3 = manifest("web", "busybox:3", "web.yaml", "app");
    static final String H1 = SpecHash.of(WEB1);
    static final String H2 = SpecHash.of(WEB2);
    static final String NEXT2 = Ownership.replacementName("web", H2.substring(0, 8));
    static final String RETIRED = Ownership.retiredName("web", "id-web", NEXT2);

    static ContainerManifest withUpdate(ContainerManifest m, UpdatePolicy u) {
        return new ContainerManifest(m.name(), m.labels(), m.spec().withUpdate(u), m.source());
    }

    static final UpdatePolicy START_FIRST = new UpdatePolicy(UpdatePolicy.Strategy.StartFirst, Duration.ofSeconds(60),
            Duration.ofSeconds(5), true);
    static final UpdatePolicy NO_ROLLBACK = new UpdatePolicy(UpdatePolicy.Strategy.StopFirst, Duration.ofSeconds(60),
            Duration.ofSeconds(5), false);

    static ContainerManifest withCheck(ContainerManifest m) {
        return new ContainerManifest(m.name(), m.labels(), HealthAndOrderPlannerTest.with(m, CHECK, false).spec(),
                m.source());
    }

    static World changed(ContainerManifest to) {
        World w = converged();
        w.desired.put("web", to);
        return w;
    }

    static Updates inProgress(String newHash, Instant since) {
        return new Updates(Map.of("web", new Updates.InProgress("web", newHash, H1, "id-web", since, since)), Map.of(),
                Map.of());
    }

    /** StopFirst after its swap: the new one has the name, the old one is kept stopped under its retired name. */
    static World stopFirstSwapped(ContainerManifest to, State newState, Health health, Instant since) {
        World w = changed(to);
        w.replaceObserved("web", c -> Containers.from(c).name(RETIRED).state(State.EXITED).exitCode(0).build());
        w.observed.add(Containers.from(running(to, "id-new")).state(newState)
                .exitCode(newState == State.EXITED ? 1 : null).created(since).build().withHealth(health));
        w.updates = inProgress(SpecHash.of(to), since);
        return w;
    }

    /** StartFirst with the new one started beside the old one, which still runs under the name. */
    static World startFirstBeside(ContainerManifest to, State newState, Health health, Instant since) {
        World w = changed(to);
        w.observed.add(Containers.from(running(to, "id-new")).name(Ownership.replacementName("web",
                        SpecHash.of(to).substring(0, 8))).state(newState).exitCode(newState == State.EXITED ? 1 : null)
                .created(since).build().withHealth(health));
        w.updates = inProgress(SpecHash.of(to), since);
        return w;
    }

    static Updates refused(String hash) {
        return new Updates(Map.of(), Map.of("web", new Updates.Refusal("web", hash, "the new container exited with code 1",
                NOW.minusSeconds(30), "abc123")), Map.of());
    }

    static Arguments row(String name, World w, String expected) {
        return Arguments.of(name, w, expected);
    }

    static Stream<Arguments> rows() {
        ContainerManifest start2 = withUpdate(WEB2, START_FIRST);
        ContainerManifest checked2 = withCheck(WEB2);
        String next = Ownership.replacementName("web", SpecHash.of(start2).substring(0, 8));
        return Stream.of(
                row("a change recreates through the gated swap (StopFirst)", changed(WEB2),
                        "#1 container:web, RecreateContainer, spec changed: image\n"),
                row("StartFirst starts the new one beside the old one", changed(start2),
                        "#1 container:web, StartBeside, spec changed: image (StartFirst)\n"),
                row("StartFirst beside an old one that does not run is a plain swap", ReplacementPlannerTest.webIs(changed(start2),
                                State.EXITED),
                        "#1 container:web, RecreateContainer, spec changed: image\n"),
                row("gate: running less than minReady waits until minReady is over",
                        stopFirstSwapped(WEB2, State.RUNNING, Health.NONE, NOW.minusSeconds(2)),
                        "#1 container:web, Wait, update gate: waiting for the new container to run 5s (minReady)"
                                + " without a restart (until 2026-11-28T12:00:58Z)\n"),
                row("gate passes by minReady: the kept old container goes",
                        stopFirstSwapped(WEB2, State.RUNNING, Health.NONE, NOW.minusSeconds(6)),
                        "#1 container:web, FinishUpdate, update passed its gate (ran 5s (minReady) without a restart):"
                                + " the old container goes\n"),
                row("gate with a health check waits while it starts, even past minReady",
                        stopFirstSwapped(checked2, State.RUNNING, Health.STARTING, NOW.minusSeconds(20)),
                        "#1 container:web, Wait, update gate: waiting for the new container to be healthy"
                                + " (until 2026-11-28T12:00:40Z)\n"),
                row("gate passes by health", stopFirstSwapped(checked2, State.RUNNING, Health.HEALTHY, NOW.minusSeconds(1)),
                        "#1 container:web, FinishUpdate, update passed its gate (healthy): the old container goes\n"),
                row("gate fails by unhealthy: back to the old container",
                        stopFirstSwapped(checked2, State.RUNNING, Health.UNHEALTHY, NOW.minusSeconds(5)),
                        "#1 container:web, RollBack, update failed its gate (the new container is unhealthy: its health"
                                + " check fails): back to the old container (spec " + H1.substring(0, 12) + ")\n"),
                row("gate fails by deadline", stopFirstSwapped(checked2, State.RUNNING, Health.STARTING,
                                NOW.minusSeconds(61)),
                        "#1 container:web, RollBack, update failed its gate (the new container was not healthy within"
                                + " progressDeadline (60s)): back to the old container (spec " + H1.substring(0, 12) + ")\n"),
                row("gate fails by exit", stopFirstSwapped(WEB2, State.EXITED, Health.NONE, NOW.minusSeconds(1)),
                        "#1 container:web, RollBack, update failed its gate (the new container exited with code 1):"
                                + " back to the old container (spec " + H1.substring(0, 12) + ")\n"),
                row("gate fails by a restart the engine made", withRestarts(
                                stopFirstSwapped(WEB2, State.RUNNING, Health.NONE, NOW.minusSeconds(6)), 2),
                        "#1 container:web, RollBack, update failed its gate (the new container restarted 2 time(s)):"
                                + " back to the old container (spec " + H1.substring(0, 12) + ")\n"),
                row("gate fails by restarting (the engine's policy at work)",
                        stopFirstSwapped(WEB2, State.RESTARTING, Health.NONE, NOW.minusSeconds(1)),
                        "#1 container:web, RollBack, update failed its gate (the new container keeps exiting (the engine"
                                + " restarts it)): back to the old container (spec " + H1.substring(0, 12) + ")\n"),
                row("StartFirst: the new one beside passes, the two swap names",
                        startFirstBeside(start2, State.RUNNING, Health.NONE, NOW.minusSeconds(6)),
                        "#1 container:web, FinishUpdate, update passed its gate (ran 5s (minReady) without a restart):"
                                + " the old container goes\n"),
                row("StartFirst: the new one beside fails, it goes and the old one keeps serving",
                        startFirstBeside(start2, State.EXITED, Health.NONE, NOW.minusSeconds(1)),
                        "#1 container:web, RollBack, update failed its gate (the new container exited with code 1):"
                                + " back to the old container (spec " + H1.substring(0, 12) + ")\n"),
                row("rolled back: the refused spec is not tried again, the old one runs on", withRefusal(changed(WEB2), H2),
                        "#1 container:web, RolledBack, rolled back: the new container exited with code 1\n"),
                row("rolled back, and the old one exited: it is restarted as usual",
                        withRefusal(ReplacementPlannerTest.webIs(changed(WEB2), State.EXITED), H2),
                        "#1 container:web, RolledBack, rolled back: the new container exited with code 1\n"
                                + "#2 container:web, StartContainer, exited with code 137, restartPolicy Always\n"),
                row("a second change after a rollback is applied normally", withRefusal(changed(WEB3), H2),
                        "#1 container:web, RecreateContainer, spec changed: image\n"),
                row("the manifest changed back to the old spec: nothing to do", withRefusal(changed(WEB1), H2), ""),
                row("rollback: false is today's swap (no gate)", changed(withUpdate(WEB2, NO_ROLLBACK)),
                        "#1 container:web, RecreateContainer, spec changed: image\n"),
                row("crash after StopFirst stopped the old one: the swap goes on and keeps the old one",
                        crashMidStopFirst(), "#1 container:web, ResumeReplacement, replacement " + NEXT2
                                + " interrupted mid-swap: finished\n"),
                row("crash after the old one was renamed out of the way: the new takes the name, the old is kept",
                        crashAfterRetire(), "#1 container:web, AdoptReplacement, replacement " + NEXT2
                                + " left without its old container: takes the name\n"),
                row("StartFirst crash before the new one started: it is made afresh beside the old one",
                        startFirstBeside(start2, State.CREATED, Health.NONE, NOW.minusSeconds(1)),
                        "#1 container:web, RemoveContainer, unfinished replacement " + next
                                + " (never started): made afresh\n"
                                + "#2 container:web, StartBeside, spec changed: image (StartFirst)\n"),
                row("StartFirst crash after the renames, before the old one's removal: the old goes once judged",
                        crashStartFirstRenamed(start2),
                        "#1 container:web, FinishUpdate, update passed its gate (ran 5s (minReady) without a restart):"
                                + " the old container goes\n"),
                row("record lost (two running, no record): the swap finishes as before, ungated",
                        noRecord(startFirstBeside(start2, State.RUNNING, Health.NONE, NOW.minusSeconds(1))),
                        "#1 container:web, ResumeReplacement, replacement " + next + " interrupted mid-swap: finished\n"));
    }

    static World withRestarts(World w, int n) {
        w.updates = new Updates(w.updates.inProgress(), w.updates.refused(), Map.of("id-new", n));
        return w;
    }

    static World withRefusal(World w, String hash) {
        w.updates = refused(hash);
        return w;
    }

    static World noRecord(World w) {
        w.updates = Updates.NONE;
        return w;
    }

    static World crashMidStopFirst() {
        World w = ReplacementPlannerTest.webIs(changed(WEB2), State.EXITED);
        w.observed.add(Containers.from(running(WEB2, "id-new")).name(NEXT2).state(State.CREATED).build());
        w.updates = new Updates(Map.of("web", new Updates.InProgress("web", H2, H1, "id-web", NOW.minusSeconds(3), null)),
                Map.of(), Map.of());
        return w;
    }

    static World crashAfterRetire() {
        World w = crashMidStopFirst();
        w.replaceObserved("web", c -> c.id().equals("id-web") ? Containers.from(c).name(RETIRED).build()
                : Containers.from(c).state(State.RUNNING).build());
        return w;
    }

    static World crashStartFirstRenamed(ContainerManifest to) {
        World w = startFirstBeside(to, State.RUNNING, Health.NONE, NOW.minusSeconds(6));
        String retired = Ownership.retiredName("web", "id-web", Ownership.replacementName("web",
                SpecHash.of(to).substring(0, 8)));
        w.replaceObserved("web", c -> Containers.from(c).name(c.id().equals("id-web") ? retired : "web").build());
        return w;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plansEachUpdateState(String name, World w, String expected) {
        assertThat(w.plan().render()).isEqualTo(expected);
    }

    @Test
    void aGatedRecreateKeepsTheOldContainerAndNamesItsSpec() {
        Step.RecreateContainer r = (Step.RecreateContainer) changed(WEB2).plan().actions().get(0);
        assertThat(r.keepOld()).isTrue();
        assertThat(r.rollbackTo()).isEqualTo(H1);
        Step.RecreateContainer plain = (Step.RecreateContainer) changed(withUpdate(WEB2, NO_ROLLBACK)).plan().actions()
                .get(0);
        assertThat(plain.keepOld()).as("rollback: false removes the old one in the swap, as before").isFalse();
    }

    @Test
    void theStepsCarryWhatTheExecutorNeeds() {
        Step.RollBack stopFirst = (Step.RollBack) stopFirstSwapped(WEB2, State.EXITED, Health.NONE, NOW).plan().actions()
                .get(0);
        assertThat(List.of(stopFirst.newId(), stopFirst.oldId(), stopFirst.restoreOldFrom(), stopFirst.failedHash()))
                .containsExactly("id-new", "id-web", RETIRED, H2);
        assertThat(stopFirst.startOld()).isTrue();

        ContainerManifest start2 = withUpdate(WEB2, START_FIRST);
        Step.RollBack startFirst = (Step.RollBack) startFirstBeside(start2, State.EXITED, Health.NONE, NOW).plan()
                .actions().get(0);
        assertThat(startFirst.restoreOldFrom()).as("the old one kept its name").isNull();
        assertThat(startFirst.startOld()).as("and runs").isFalse();

        Step.FinishUpdate f = (Step.FinishUpdate) startFirstBeside(start2, State.RUNNING, Health.NONE,
                NOW.minusSeconds(10)).plan().actions().get(0);
        assertThat(f.oldId()).isEqualTo("id-web");
        assertThat(f.retireOldTo()).isEqualTo(Ownership.retiredName("web", "id-web", f.newName()));
        assertThat(f.newName()).startsWith("web.next-");

        World onNetworks = startFirstBeside(start2, State.RUNNING, Health.NONE, NOW.minusSeconds(10));
        onNetworks.replaceObserved("web", c -> Containers.from(c).networks(List.of("app", "bridge", "db")).build());
        Step.FinishUpdate drained = (Step.FinishUpdate) onNetworks.plan().actions().get(0);
        assertThat(drained.oldNetworks()).as("it leaves the name's DNS on its own networks; Docker's have no aliases")
                .containsExactly("app", "db");
        assertThat(drained.drain()).isEqualTo(Updates.DRAIN);

        World swapped = stopFirstSwapped(WEB2, State.RUNNING, Health.NONE, NOW.minusSeconds(10));
        swapped.replaceObserved("web", c -> Containers.from(c).networks(List.of("app")).build());
        Step.FinishUpdate stopFirstFinish = (Step.FinishUpdate) swapped.plan().actions().get(0);
        assertThat(stopFirstFinish.oldNetworks()).as("StopFirst's old one is stopped: it has no endpoint to leave").isEmpty();
    }

    @Test
    void aRetryClearsTheRefusalAndTheUpdateIsPlannedAgain() {
        UpdateBook book = UpdateBook.inMemory();
        book.rolledBack(new Updates.Refusal("web", H2, "exited", NOW, null));
        World w = changed(WEB2);
        w.updates = book.view(Map.of());
        assertThat(w.plan().render()).startsWith("#1 container:web, RolledBack");
        assertThat(book.retry("web")).isTrue();
        w.updates = book.view(Map.of());
        assertThat(w.plan().render()).isEqualTo("#1 container:web, RecreateContainer, spec changed: image\n");
        assertThat(book.retry("web")).as("nothing left to retry").isFalse();
    }

    /**
     * Every point where hostlet may die during an update, carried on with the recorder's book as it was persisted:
     * the plans end with one container under the name, of the new spec when its gate passes and of the old one when
     * it fails. Never two, never none.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("crashPoints")
    void everyCrashPointOfAnUpdateSettlesOnOneContainer(String name, ContainerManifest to, boolean newOneFails) {
        for (int point = 0; point < 8; point++) {
            World w = changed(to);
            w.recordsUpdates = true;
            UpdateBook book = UpdateBook.inMemory();
            Map<String, io.hostlet.observed.ImageCheck> checks = new HashMap<>();
            int steps = 0;
            boolean crashed = false;
            for (int round = 0; round < 20; round++) {
                w.updates = book.view(Map.of());
                Plan p = w.plan();
                if (!p.hasActions() && p.waits().isEmpty()) {
                    break;
                }
                Recorder recorder = recorder(book, w.now);
                recorder.started(p.actions(), w.now); // booked before the steps run, as the loop does
                List<Outcome> outcomes = new ArrayList<>();
                for (Step s : p.actions()) {
                    PlanProperties.apply(w, checks, new Plan(List.of(new Plan.Phase(Plan.Kind.CONTAINERS, List.of(s)))));
                    if (steps++ == point && !crashed) {
                        crashed = true; // the engine did the step; hostlet died before recording any outcome
                        outcomes.clear();
                        break;
                    }
                    outcomes.add(new Outcome(s, null, List.of()));
                }
                if (newOneFails) {
                    String bad = SpecHash.of(to);
                    w.observed.replaceAll(c -> bad.equals(c.specHash()) && c.state() == State.RUNNING
                            ? Containers.from(c).state(State.EXITED).exitCode(1).build() : c);
                }
                w.now = w.now.plusSeconds(10);
                recorder(book, w.now).record(outcomes);
            }
            List<ObservedContainer> web = w.observed.stream().filter(c -> "web".equals(c.managedName())).toList();
            assertThat(web).as(name + ", crash at step " + point + ": " + web).hasSize(1);
            assertThat(web.get(0).name()).isEqualTo("web");
            assertThat(web.get(0).specHash()).isEqualTo(newOneFails ? H1 : SpecHash.of(to));
            assertThat(web.get(0).state()).isEqualTo(State.RUNNING);
        }
    }

    private static Recorder recorder(UpdateBook book, Instant now) {
        return new Recorder(new BackoffBook(), new PulledImages(Path.of("target", "update-planner-test"), "t"), book,
                Clock.fixed(now, ZoneOffset.UTC), false, Duration.ofHours(1), i -> { });
    }

    static Stream<Arguments> crashPoints() {
        return Stream.of(
                Arguments.of("StopFirst, passes", WEB2, false),
                Arguments.of("StopFirst, fails", WEB2, true),
                Arguments.of("StartFirst, passes", withUpdate(WEB2, START_FIRST), false),
                Arguments.of("StartFirst, fails", withUpdate(WEB2, START_FIRST), true));
    }
}
