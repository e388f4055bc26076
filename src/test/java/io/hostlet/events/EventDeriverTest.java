package io.hostlet.events;

import io.hostlet.manifest.Specs;
import io.hostlet.desired.DesiredState;
import io.hostlet.engine.EngineException;
import io.hostlet.execute.Outcome;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.SourceRef;
import io.hostlet.observed.Containers;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PullMode;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.reconcile.PassReport;
import io.hostlet.status.ContainerStatus;
import io.hostlet.status.HostStatus;
import io.hostlet.status.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.observed.ObservedContainer.State.EXITED;
import static io.hostlet.observed.ObservedContainer.State.RESTARTING;
import static io.hostlet.observed.ObservedContainer.State.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The derivation as a table: a converged pass before, one small change in the pass after, and the events the second
 * pass brings, rendered {@code kind name: message}. Each row is a sentence.
 */
class EventDeriverTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant T1 = T0.plusSeconds(2);

    /** One pass, built from a converged base by naming what differs. */
    static final class Pass {
        boolean engineUp = true;
        String engineError;
        Map<String, ContainerManifest> desired = new LinkedHashMap<>();
        List<ManifestError> errors = new ArrayList<>();
        List<ObservedContainer> observed = new ArrayList<>();
        List<ContainerStatus> status = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();

        /** web and db, running, as wanted. */
        static Pass converged() {
            Pass p = new Pass();
            p.container("web", "id-web").container("db", "id-db");
            return p;
        }

        Pass container(String name, String id) {
            desired.put(name, manifest(name, "busybox:1", name + ".yaml"));
            observed.add(observedContainer(name, id).build());
            status.add(new ContainerStatus(name, Phase.Running, "busybox:1", id, 0, name + ".yaml", null, null));
            return this;
        }

        Pass observe(String name, UnaryOperator<Containers.Builder> f) {
            observed.replaceAll(c -> c.managedName().equals(name) ? f.apply(Containers.from(c)).build() : c);
            return this;
        }

        Pass status(String name, UnaryOperator<ContainerStatus> f) {
            status.replaceAll(c -> c.name().equals(name) ? f.apply(c) : c);
            return this;
        }

        Pass without(String name) {
            desired.remove(name);
            observed.removeIf(c -> c.managedName().equals(name));
            status.removeIf(c -> c.name().equals(name));
            return this;
        }

        Pass outcome(Step s) {
            outcomes.add(new Outcome(s, null, List.of()));
            return this;
        }

        Pass outcome(Step s, EngineException error, Outcome.Pull... pulls) {
            outcomes.add(new Outcome(s, error, List.of(pulls)));
            return this;
        }

        Pass step(Step s) {
            steps.add(s);
            return this;
        }

        Pass error(String file, int line, String message) {
            errors.add(new ManifestError(file, line, 1, message));
            return this;
        }

        Pass engineDown(String why) {
            engineUp = false;
            engineError = why;
            return this;
        }

        PassReport report(long n, Instant at) {
            DesiredState d = new DesiredState(desired, Set.of(), Set.of(), errors, true, null);
            if (!engineUp) {
                HostStatus s = new HostStatus(false, null, false, true, "engine unreachable: " + engineError,
                        status, errors, null, null, List.of());
                return new PassReport(n, at, d, null, null, false, outcomes, s, engineError);
            }
            Plan plan = Plan.of(new Plan.Phase(Plan.Kind.CONTAINERS, steps));
            HostStatus s = new HostStatus(steps.isEmpty(), at, true, true, null, status, errors, null, null,
                    List.of());
            return new PassReport(n, at, d, ObservedState.listed(observed, Map.of()), plan, plan.hasActions(),
                    outcomes, s, null);
        }
    }

    static ContainerManifest manifest(String name, String image, String file) {
        return new ContainerManifest(name, Map.of(), Specs.spec(image).build(), new SourceRef(file, 1));
    }

    static Containers.Builder observedContainer(String name, String id) {
        return Containers.container(id, name).image("busybox:1")
                .labels(Map.of(Labels.NAME, name, Labels.SPEC_HASH, "h-" + name, Labels.SOURCE, name + ".yaml"));
    }

    static Step.NewContainer newContainer(String name, String image) {
        return new Step.NewContainer(manifest(name, image, name + ".yaml"), "h2-" + name, Map.of(),
                PullMode.IF_MISSING, List.of(), List.of());
    }

    static ContainerStatus.CrashLoop loop(int restarts, Integer code) {
        return new ContainerStatus.CrashLoop(restarts, code, false, T0, T1.plusSeconds(5), null);
    }

    record Row(String name, Pass before, Pass after, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, Pass before, Pass after, String... expected) {
        return new Row(name, before, after, Arrays.asList(expected));
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("nothing changed: no events", Pass.converged(), Pass.converged()),
                row("a created container: created and started",
                        Pass.converged().without("web"),
                        Pass.converged().outcome(new Step.CreateContainer(newContainer("web", "busybox:1"), "not found")),
                        "created web: created (image busybox:1)", "started web: started"),
                row("a create that pulled: pulled with the new image id first",
                        Pass.converged().without("web"),
                        Pass.converged().outcome(new Step.CreateContainer(newContainer("web", "busybox:1"), "not found"),
                                null, new Outcome.Pull("busybox:1", null, "sha256:0123456789abcdef0123")),
                        "pulled busybox:1: pulled busybox:1 (sha256:0123456789ab, new)",
                        "created web: created (image busybox:1)", "started web: started"),
                row("a recreate for a changed spec names the changed fields, env by name only",
                        Pass.converged(),
                        Pass.converged().observe("web", b -> b.id("id-web2")).outcome(new Step.RecreateContainer(
                                "id-web", Duration.ofSeconds(10), newContainer("web", "busybox:2"),
                                "web.next-0123abcd", "spec changed: env MODE, image", null,
                                List.of("env MODE", "image"))),
                        "recreated web: recreated: spec changed: env MODE, image", "started web: started"),
                row("a container seen running that exited: exited with its code",
                        Pass.converged(),
                        Pass.converged().observe("web", b -> b.state(EXITED).exitCode(3)),
                        "exited web: exited with code 3"),
                row("an exit the engine restarts: exited, restarting",
                        Pass.converged(),
                        Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(2)),
                        "exited web: exited with code 2; the engine's restart policy restarts it"),
                row("still exited in the next pass: told once",
                        Pass.converged().observe("web", b -> b.state(EXITED).exitCode(3)),
                        Pass.converged().observe("web", b -> b.state(EXITED).exitCode(3))),
                row("an exit while a replacement stops it on purpose: not an exit",
                        Pass.converged(),
                        Pass.converged().observe("web", b -> b.state(EXITED).exitCode(137))
                                .step(new Step.Wait(Target.container("web"), Step.Wait.Reason.IN_PROGRESS, null,
                                        "in progress: RecreateContainer web (spec changed: image)"))),
                row("hostlet started it again: started and restarted with the cause",
                        Pass.converged().observe("web", b -> b.state(EXITED).exitCode(1)),
                        Pass.converged().status("web", s -> new ContainerStatus(s.name(), s.phase(), s.image(),
                                        s.containerId(), 1, s.source(), s.revision(), s.message()))
                                .outcome(new Step.StartContainer("id-web", "web", "h-web", true,
                                        "exited with code 1, restartPolicy OnFailure")),
                        "started web: started",
                        "restarted web: restarted by hostlet: exited with code 1, restartPolicy OnFailure"),
                row("entering CrashLoopBackOff: crash-loop with the status message",
                        Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(3))
                                .status("web", s -> s.withCrashLoop(loop(2, 3), "keeps exiting; last exit code 3")),
                        Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(3))
                                .status("web", s -> new ContainerStatus(s.name(), Phase.CrashLoopBackOff, s.image(),
                                        s.containerId(), 0, s.source(), null, null)
                                        .withCrashLoop(loop(2, 3), "keeps exiting; last exit code 3")),
                        "crash-loop web: crash-looping: keeps exiting; last exit code 3"),
                row("a removed manifest's container removed",
                        Pass.converged(),
                        Pass.converged().without("web").outcome(new Step.RemoveContainer("id-web", "web",
                                Duration.ofSeconds(10), "manifest removed")),
                        "removed web: removed: manifest removed"),
                row("a pull that failed: pull-failed with the engine's reason, credentials masked",
                        Pass.converged(),
                        Pass.converged().outcome(new Step.PullImage("r.example/app:1", "sha256:aa", "registry moved"),
                                new EngineException(EngineException.Kind.PULL_FAILED,
                                        "pull of r.example/app:1 failed: https://u:pw@r.example denied", null)),
                        "pull-failed r.example/app:1: could not get image r.example/app:1: pull of r.example/app:1"
                                + " failed: https://<redacted>@r.example denied"),
                row("a pull step: pulled with the registry digest",
                        Pass.converged(),
                        Pass.converged().outcome(new Step.PullImage("app:1", "sha256:feedfacecafe1234", "moved"),
                                null, new Outcome.Pull("app:1", "sha256:old000000000000", "sha256:new000000000000")),
                        "pulled app:1: pulled app:1 (sha256:feedfacecafe, replaces sha256:old000000000)"),
                row("a start that failed: failed with the action",
                        Pass.converged(),
                        Pass.converged().outcome(new Step.StartContainer("id-web", "web", "h-web", false, "created"),
                                new EngineException(EngineException.Kind.FAILED, "port 8080 is in use", null)),
                        "failed web: StartContainer failed: port 8080 is in use"),
                row("the prune guard holds: held once, with its cause",
                        Pass.converged(),
                        Pass.converged().step(new Step.HoldRemoval(Target.container("web"), "would remove 2 of 2"))
                                .step(new Step.HoldRemoval(Target.container("db"), "would remove 2 of 2")),
                        "held: held removal of 2 (container:db, container:web): would remove 2 of 2"),
                row("the same hold again: nothing new",
                        Pass.converged().step(new Step.HoldRemoval(Target.container("web"), "would remove 2 of 2")),
                        Pass.converged().step(new Step.HoldRemoval(Target.container("web"), "would remove 2 of 2"))),
                row("a file breaks: manifest-error with file:line:col, named after its one container",
                        Pass.converged(),
                        Pass.converged().error("web.yaml", 3, "spec.image is required"),
                        "manifest-error web: web.yaml:3:1: spec.image is required"),
                row("the same errors again: nothing new",
                        Pass.converged().error("web.yaml", 3, "spec.image is required"),
                        Pass.converged().error("web.yaml", 3, "spec.image is required")),
                row("another error in the broken file: manifest-error again",
                        Pass.converged().error("web.yaml", 3, "spec.image is required"),
                        Pass.converged().error("web.yaml", 3, "spec.image is required").error("web.yaml", 5, "bad"),
                        "manifest-error web: web.yaml:3:1: spec.image is required (and 1 more)"),
                row("the file is fixed: manifest-fixed",
                        Pass.converged().error("web.yaml", 3, "spec.image is required"),
                        Pass.converged(),
                        "manifest-fixed web: web.yaml has no errors any more"),
                row("the engine stops answering: engine-lost",
                        Pass.converged(),
                        Pass.converged().engineDown("connection refused"),
                        "engine-lost: engine unreachable: connection refused"),
                row("still down: told once",
                        Pass.converged().engineDown("connection refused"),
                        Pass.converged().engineDown("connection refused")),
                row("the engine answers again: engine-back",
                        Pass.converged().engineDown("connection refused"),
                        Pass.converged(),
                        "engine-back: engine answers again"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theSecondPassBringsTheseEvents(Row row) {
        EventDeriver d = new EventDeriver();
        d.next(row.before().report(1, T0));
        List<String> got = d.next(row.after().report(2, T1)).stream().map(EventDeriverTest::render).toList();
        assertThat(got).containsExactlyElementsOf(row.expected());
    }

    static String render(Event e) {
        return e.kind().wire() + (e.name() == null ? "" : " " + e.name()) + ": " + e.message();
    }

    @Test
    void theRecreatedEventListsTheChangedFieldsInItsDetails() {
        EventDeriver d = new EventDeriver();
        d.next(Pass.converged().report(1, T0));
        Event e = d.next(Pass.converged().outcome(new Step.RecreateContainer("id-web", Duration.ofSeconds(10),
                newContainer("web", "busybox:2"), "web.next-0123abcd", "spec changed: env MODE, image", null,
                List.of("env MODE", "image")))
                .report(2, T1)).get(0);
        assertThat(e.kind()).isEqualTo(EventKind.RECREATED);
        assertThat(e.details()).containsEntry("fields", List.of("env MODE", "image"));
    }

    @Test
    void theExitedEventCarriesTheCodeAndAZeroExitIsNoWarning() {
        EventDeriver d = new EventDeriver();
        d.next(Pass.converged().report(1, T0));
        List<Event> events = d.next(Pass.converged().observe("web", b -> b.state(EXITED).exitCode(0))
                .observe("db", b -> b.state(EXITED).exitCode(1)).report(2, T1));
        assertThat(events).extracting(e -> e.details().get("code")).containsExactlyInAnyOrder(0, 1);
        assertThat(events).filteredOn(e -> "web".equals(e.name())).allMatch(e -> !e.warning());
        assertThat(events).filteredOn(e -> "db".equals(e.name())).allMatch(Event::warning);
    }

    @Test
    void theFirstPassTellsConditionsButNoTransitions() {
        EventDeriver d = new EventDeriver();
        List<Event> first = d.next(Pass.converged().observe("web", b -> b.state(EXITED).exitCode(1))
                .status("db", s -> new ContainerStatus(s.name(), Phase.CrashLoopBackOff, s.image(), s.containerId(), 0,
                        s.source(), null, null).withCrashLoop(loop(7, 2), "keeps exiting"))
                .error("broken.yaml", 1, "not YAML").report(1, T0));
        assertThat(first).extracting(EventDeriverTest::render).containsExactly(
                "crash-loop db: crash-looping: keeps exiting",
                "manifest-error: broken.yaml:1:1: not YAML");
    }

    @Test
    void engineRestartsAreToldWhenTheCountGoesUpAndACrashLoopOncePerEpisode() {
        EventDeriver d = new EventDeriver();
        d.next(Pass.converged().report(1, T0));
        UnaryOperator<ContainerStatus> looping3 = s -> new ContainerStatus(s.name(), Phase.CrashLoopBackOff,
                s.image(), s.containerId(), 0, s.source(), null, null).withCrashLoop(loop(3, 3), "keeps exiting");
        List<String> p2 = d.next(Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(3))
                .status("web", looping3).report(2, T1)).stream().map(EventDeriverTest::render).toList();
        assertThat(p2).containsExactly("exited web: exited with code 3; the engine's restart policy restarts it",
                "restarted web: restarted by the engine's restart policy (3 restarts, last exit code 3)",
                "crash-loop web: crash-looping: keeps exiting");
        // briefly running between two engine restarts: the episode goes on, no second crash-loop
        List<String> p3 = d.next(Pass.converged().report(3, T1.plusSeconds(1))).stream()
                .map(EventDeriverTest::render).toList();
        assertThat(p3).isEmpty();
        UnaryOperator<ContainerStatus> looping5 = s -> new ContainerStatus(s.name(), Phase.CrashLoopBackOff,
                s.image(), s.containerId(), 0, s.source(), null, null).withCrashLoop(loop(5, 3), "keeps exiting");
        List<String> p4 = d.next(Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(3))
                .status("web", looping5).report(4, T1.plusSeconds(2))).stream().map(EventDeriverTest::render).toList();
        assertThat(p4).containsExactly("exited web: exited with code 3; the engine's restart policy restarts it",
                "restarted web: restarted by the engine's restart policy (5 restarts, last exit code 3)");
        // running for longer than RECOVERED_AFTER ends the episode: a new loop is told again
        Instant t = T1.plusSeconds(3);
        d.next(Pass.converged().report(5, t));
        d.next(Pass.converged().report(6, t.plus(EventDeriver.RECOVERED_AFTER)));
        List<String> p7 = d.next(Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(3))
                        .status("web", looping5).report(7, t.plus(EventDeriver.RECOVERED_AFTER).plusSeconds(1)))
                .stream().map(EventDeriverTest::render).toList();
        assertThat(p7).contains("crash-loop web: crash-looping: keeps exiting");
    }

    @Test
    void aContainerMetAtStartWithEngineRestartsIsABaselineNotNews() {
        EventDeriver d = new EventDeriver();
        UnaryOperator<ContainerStatus> looping = s -> new ContainerStatus(s.name(), Phase.CrashLoopBackOff,
                s.image(), s.containerId(), 0, s.source(), null, null).withCrashLoop(loop(9, 1), "keeps exiting");
        List<Event> first = d.next(Pass.converged().observe("web", b -> b.state(RESTARTING).exitCode(1))
                .status("web", looping).report(1, T0));
        assertThat(first).extracting(Event::kind).containsExactly(EventKind.CRASH_LOOP);
    }

    @Test
    void containersAreComparedWithTheLastPassThatSawTheEngine() {
        EventDeriver d = new EventDeriver();
        d.next(Pass.converged().report(1, T0));
        d.next(Pass.converged().engineDown("timeout").report(2, T1));
        List<String> back = d.next(Pass.converged().observe("web", b -> b.state(EXITED).exitCode(137))
                .report(3, T1.plusSeconds(5))).stream().map(EventDeriverTest::render).toList();
        assertThat(back).containsExactly("engine-back: engine answers again", "exited web: exited with code 137");
    }

    @Test
    void noMessageCarriesAnEnvValue() {
        EventDeriver d = new EventDeriver();
        d.next(Pass.converged().report(1, T0));
        ContainerSpec withSecret = Specs.spec("busybox:1").env(List.of(new ContainerSpec.EnvVar("PASSWORD", "hunter2")))
                .build();
        Step.NewContainer nc = new Step.NewContainer(new ContainerManifest("web", Map.of(), withSecret,
                new SourceRef("web.yaml", 1)), "h3", Map.of(), PullMode.IF_MISSING, List.of(), List.of());
        List<Event> events = d.next(Pass.converged()
                .outcome(new Step.RecreateContainer("id-web", Duration.ofSeconds(1), nc, "web.next-0123abcd",
                        "spec changed: env PASSWORD", null, List.of("env PASSWORD")))
                .outcome(new Step.CreateContainer(nc, "not found")).report(2, T1));
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.message()).doesNotContain("hunter2");
            assertThat(e.details().toString()).doesNotContain("hunter2");
        });
    }
}
