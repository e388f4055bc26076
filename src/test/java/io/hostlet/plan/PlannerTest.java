package io.hostlet.plan;

import io.hostlet.manifest.Specs;
import io.hostlet.desired.DesiredState;
import io.hostlet.observed.Containers;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedContainer.State;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.RestartPolicy;
import io.hostlet.manifest.SourceRef;
import io.hostlet.manifest.SpecHash;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table tests of the planner, kubelet style: a converged world (two containers on network {@code app},
 * both running as specified), one small mutation per row, and the plan expected as rendered text.
 */
class PlannerTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Origin ORIGIN = new Origin("test", null, io.hostlet.manifest.LabelKey.random());

    /** The whole input of one planner call, mutable per row. */
    static final class World {
        final Map<String, ContainerManifest> desired = new LinkedHashMap<>();
        final List<ObservedContainer> observed = new ArrayList<>();
        final Map<String, String> networks = new HashMap<>();
        final Map<Target, Backoff> backoffs = new HashMap<>();
        Set<String> heldFiles = Set.of();
        Set<String> heldNames = Set.of();
        boolean complete = true;
        /** The record of updates the planner is given (see {@link Updates}). */
        Updates updates = Updates.NONE;
        /**
         * Whether a recorder keeps the book of updates for this world (see UpdatePlannerTest): only then does a gated
         * swap keep the old container in the simulation; without one, it is as if the gate passed at once.
         */
        boolean recordsUpdates;
        Instant now = NOW;

        Plan plan() {
            DesiredState d = new DesiredState(desired, heldFiles, heldNames, List.of(), complete, complete ? null : "folder missing");
            return Planner.plan(PlanInput.builder(d, ObservedState.listed(observed, networks), now, ORIGIN)
                    .backoffs(backoffs).updates(updates).build());
        }

        World replaceObserved(String name, UnaryOperator<ObservedContainer> f) {
            observed.replaceAll(c -> c.managedName().equals(name) ? f.apply(c) : c);
            return this;
        }
    }

    static ContainerManifest manifest(String name, String image, String file, String... networks) {
        ContainerSpec spec = Specs.spec(image).args(List.of("sleep", "1000")).networks(List.of(networks))
                .stopGracePeriod(Duration.ofSeconds(3)).build();
        return new ContainerManifest(name, Map.of(), spec, new SourceRef(file, 1));
    }

    static ContainerManifest withRestartPolicy(ContainerManifest m, RestartPolicy p) {
        return Specs.with(m, s -> s.restartPolicy(p));
    }

    static ObservedContainer running(ContainerManifest m, String id) {
        Map<String, String> labels = Labels.ownership("test");
        labels.put(Labels.NAME, m.name());
        labels.put(Labels.SPEC_HASH, SpecHash.of(m));
        labels.put(Labels.SPEC, SpecHash.canonical(m));
        labels.put(Labels.SOURCE, m.source().file());
        labels.put(Labels.STOP_GRACE, Long.toString(m.spec().stopGracePeriod().toSeconds()));
        return Containers.container(id, m.name()).image(m.spec().image()).labels(labels).state(State.RUNNING)
                .created(NOW.minusSeconds(600)).networks(m.spec().networks()).build();
    }

    static ObservedContainer exited(ObservedContainer c, int code) {
        return Containers.from(c).state(State.EXITED).exitCode(code).build();
    }

    static ObservedContainer inState(ObservedContainer c, State state) {
        return Containers.from(c).state(state).exitCode(null).build();
    }

    /** The converged base case every row mutates. */
    static World converged() {
        World w = new World();
        ContainerManifest web = manifest("web", "busybox:1", "web.yaml", "app");
        ContainerManifest db = manifest("db", "busybox:1", "db.yaml", "app");
        w.desired.put("web", web);
        w.desired.put("db", db);
        w.observed.add(running(web, "id-web"));
        w.observed.add(running(db, "id-db"));
        w.networks.put("app", "net-app");
        return w;
    }

    static Arguments row(String name, UnaryOperator<World> mutation, String expected) {
        return Arguments.of(name, mutation, expected);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("converged world needs nothing", w -> w, ""),
                row("missing container is created", w -> {
                    w.observed.removeIf(c -> c.managedName().equals("web"));
                    return w;
                }, "#1 container:web, CreateContainer, not found\n"),
                row("missing network is created before containers", w -> {
                    w.networks.clear();
                    return w;
                }, "#1 network:app, CreateNetwork, not found\n"),
                row("changed image recreates and names the field", w -> {
                    w.desired.put("web", manifest("web", "busybox:2", "web.yaml", "app"));
                    return w;
                }, "#1 container:web, RecreateContainer, spec changed: image\n"),
                row("manifest gone removes the container", w -> {
                    w.desired.remove("db");
                    return w;
                }, "#1 container:db, RemoveContainer, manifest removed\n"),
                row("every manifest gone removes containers, then the unused network", w -> {
                    w.desired.clear();
                    return w;
                }, "#1 container:db, RemoveContainer, manifest removed\n"
                        + "#2 container:web, RemoveContainer, manifest removed\n"
                        + "#3 network:app, RemoveNetwork, no manifest uses it\n"),
                row("incomplete folder read removes nothing", w -> {
                    w.desired.clear();
                    w.complete = false;
                    return w;
                }, ""),
                row("container from a file with errors is kept", w -> {
                    w.desired.remove("db");
                    w.heldFiles = Set.of("db.yaml");
                    return w;
                }, ""),
                row("name claimed twice is left alone even if it drifted", w -> {
                    w.desired.put("web", manifest("web", "busybox:2", "web.yaml", "app"));
                    w.heldNames = Set.of("web");
                    return w;
                }, ""),
                row("name claimed twice is not removed when neither manifest is in force", w -> {
                    w.desired.remove("web");
                    w.heldNames = Set.of("web");
                    return w;
                }, ""),
                row("exited under Always is restarted", w -> w.replaceObserved("web", c -> exited(c, 137)),
                        "#1 container:web, StartContainer, exited with code 137, restartPolicy Always\n"),
                row("exit 0 under OnFailure is left alone", w -> {
                    w.desired.put("web", withRestartPolicy(w.desired.get("web"), RestartPolicy.OnFailure));
                    w.observed.replaceAll(c -> c.managedName().equals("web")
                            ? exited(running(w.desired.get("web"), "id-web"), 0) : c);
                    return w;
                }, ""),
                row("non-zero exit under OnFailure is restarted", w -> {
                    w.desired.put("web", withRestartPolicy(w.desired.get("web"), RestartPolicy.OnFailure));
                    w.observed.replaceAll(c -> c.managedName().equals("web")
                            ? exited(running(w.desired.get("web"), "id-web"), 3) : c);
                    return w;
                }, "#1 container:web, StartContainer, exited with code 3, restartPolicy OnFailure\n"),
                row("non-zero exit under Never is left alone", w -> {
                    w.desired.put("web", withRestartPolicy(w.desired.get("web"), RestartPolicy.Never));
                    w.observed.replaceAll(c -> c.managedName().equals("web")
                            ? exited(running(w.desired.get("web"), "id-web"), 3) : c);
                    return w;
                }, ""),
                row("created but never started is started", w -> w.replaceObserved("web", c -> inState(c, State.CREATED)),
                        "#1 container:web, StartContainer, created but not started\n"),
                row("restarting is left to the engine's own policy", w -> w.replaceObserved("web", c -> inState(c, State.RESTARTING)), ""),
                row("paused is left alone", w -> w.replaceObserved("web", c -> inState(c, State.PAUSED)), ""),
                row("restart backing off becomes a wait", w -> {
                    w.replaceObserved("web", c -> exited(c, 1));
                    w.backoffs.put(Target.container("web"), new Backoff(SpecHash.of(w.desired.get("web")), NOW.plusSeconds(20), "back-off 20s"));
                    return w;
                }, "#1 container:web, Wait, back-off 20s\n"),
                row("expired backoff lets the restart through", w -> {
                    w.replaceObserved("web", c -> exited(c, 1));
                    w.backoffs.put(Target.container("web"), new Backoff(SpecHash.of(w.desired.get("web")), NOW.minusSeconds(1), "back-off 20s"));
                    return w;
                }, "#1 container:web, StartContainer, exited with code 1, restartPolicy Always\n"),
                row("failed create of an old spec does not delay the corrected one", w -> {
                    w.observed.removeIf(c -> c.managedName().equals("web"));
                    w.backoffs.put(Target.container("web"), new Backoff("some-older-hash", NOW.plusSeconds(60), "pull failed"));
                    return w;
                }, "#1 container:web, CreateContainer, not found\n"),
                row("two containers for one name: the extra goes", w -> {
                    // Both are hostlet's: the real name and a replacement name hostlet chose (see Ownership).
                    ObservedContainer web = running(w.desired.get("web"), "id-web2");
                    w.observed.add(exited(Containers.from(web).name("web.next-0badc0de").state(State.EXITED)
                            .exitCode(0).created(NOW.minusSeconds(900)).networks(List.of()).build(), 0));
                    return w;
                }, "#1 container:web, RemoveContainer, duplicate of id-web\n"),
                row("a copy with web's labels under another name is foreign: never a duplicate", w -> {
                    ObservedContainer web = running(w.desired.get("web"), "id-web");
                    w.observed.add(Containers.container("id-copy", "web-debug").image(web.image()).labels(web.labels()).state(State.RUNNING).created(NOW.minusSeconds(10)).networks(List.of("app")).build());
                    return w;
                }, ""),
                row("a copy of a container whose manifest is gone is not removed with it", w -> {
                    ObservedContainer db = running(w.desired.get("db"), "id-db");
                    w.observed.add(Containers.container("id-copy", "db-debug").image(db.image()).labels(db.labels()).state(State.RUNNING).created(NOW.minusSeconds(10)).networks(List.of("app")).build());
                    w.desired.remove("db");
                    return w;
                }, "#1 container:db, RemoveContainer, manifest removed\n"),
                row("a copy is foreign even when the real one is missing: the real one is created", w -> {
                    ObservedContainer web = running(w.desired.get("web"), "id-web");
                    w.observed.removeIf(c -> c.managedName().equals("web"));
                    w.observed.add(Containers.container("id-copy", "web-debug").image(web.image()).labels(web.labels()).state(State.RUNNING).created(NOW.minusSeconds(10)).networks(List.of("app")).build());
                    return w;
                }, "#1 container:web, CreateContainer, not found\n"),
                row("a replacement-like name with a bad suffix is foreign", w -> {
                    ObservedContainer web = running(w.desired.get("web"), "id-web");
                    w.observed.add(Containers.container("id-copy", "web.next-XYZ").image(web.image()).labels(web.labels()).state(State.EXITED).exitCode(0).created(NOW.minusSeconds(900)).networks(List.of()).build());
                    return w;
                }, ""),
                row("the network a foreign copy uses is not removed", w -> {
                    ObservedContainer web = running(w.desired.get("web"), "id-web");
                    w.observed.clear();
                    w.observed.add(Containers.container("id-copy", "web-debug").image(web.image()).labels(web.labels()).state(State.RUNNING).created(NOW.minusSeconds(10)).networks(List.of("app")).build());
                    w.desired.clear();
                    return w;
                }, ""),
                row("network still used by a kept container is not removed", w -> {
                    w.desired.clear();
                    w.heldFiles = Set.of("web.yaml", "db.yaml");
                    return w;
                }, ""));
    }

    /** The cause names the variable that changed and never its value, with labels this hostlet writes. */
    @org.junit.jupiter.api.Test
    void aRecreateCauseNamesTheChangedVariableWithoutItsValue() {
        io.hostlet.manifest.LabelKey key = io.hostlet.manifest.LabelKey.random();
        ContainerManifest before = withEnv(manifest("web", "busybox:1", "web.yaml"), "s3cr3t-old");
        ContainerManifest after = withEnv(before, "s3cr3t-new");
        ObservedContainer old = running(before, "id-web");
        Map<String, String> labels = new HashMap<>(old.labels());
        labels.put(Labels.SPEC, io.hostlet.manifest.SpecLabel.write(before, key));
        old = Containers.from(old).labels(labels).exitCode(null).health(ObservedContainer.Health.NONE).imageId(null).build();
        DesiredState d = new DesiredState(Map.of("web", after), Set.of(), Set.of(), List.of(), true, null);
        String plan = Planner.plan(PlanInput.builder(d, ObservedState.listed(List.of(old), Map.of()), NOW,
                new Origin("test", null, key))
                .build())
                .render();
        assertThat(plan).isEqualTo("#1 container:web, RecreateContainer, spec changed: env TOKEN\n");
        assertThat(labels.get(Labels.SPEC)).doesNotContain("s3cr3t");
    }

    static ContainerManifest withEnv(ContainerManifest m, String token) {
        return Specs.with(m, s -> s.env(List.of(new ContainerSpec.EnvVar("TOKEN", token))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plansTheMinimalStepsForEachMutation(String name, UnaryOperator<World> mutation, String expected) {
        assertThat(mutation.apply(converged()).plan().render()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void planningIsIdempotentAndPure(String name, UnaryOperator<World> mutation, String expected) {
        PlanProperties.assertPureAndIdempotent(mutation.apply(converged()));
    }

    /** The executor decides nothing, so a create step must carry all of it: labels, pull mode, needed networks. */
    @org.junit.jupiter.api.Test
    void createStepsCarryTheirLabelsPullModeAndTheNetworksTheyNeed() {
        World w = converged();
        w.observed.removeIf(c -> c.managedName().equals("web"));
        w.networks.clear();
        DesiredState d = new DesiredState(w.desired, Set.of(), Set.of(), List.of(), true, null);

        io.hostlet.manifest.LabelKey key = io.hostlet.manifest.LabelKey.random();
        Plan plan = Planner.plan(PlanInput.builder(d, ObservedState.listed(w.observed, w.networks), NOW,
                new Origin("test", "abc123", key))
                .backoffs(w.backoffs).build());

        assertThat(plan.phases()).extracting(p -> p.kind() + " " + p.steps().size()).containsExactly(
                "CREATE_NETWORKS 1", "PULL_IMAGES 0", "CONTAINERS 1", "REMOVE_IMAGES 0", "REMOVE_NETWORKS 0");
        Step.CreateNetwork net = (Step.CreateNetwork) plan.phases().get(0).steps().get(0);
        assertThat(net.labels()).isEqualTo(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, "test"));
        Step.CreateContainer create = (Step.CreateContainer) plan.phases().get(2).steps().get(0);
        ContainerManifest web = w.desired.get("web");
        Map<String, String> labels = new HashMap<>(running(web, "x").labels());
        labels.put(Labels.REVISION, "abc123");
        labels.put(Labels.SPEC, io.hostlet.manifest.SpecLabel.write(web, key)); // digests, never values
        assertThat(create.container().labels()).isEqualTo(labels);
        assertThat(create.container().pull()).isEqualTo(PullMode.IF_MISSING);
        assertThat(create.needs()).containsExactly(Target.network("app"));
    }

    @org.junit.jupiter.api.Test
    void thePullModeFollowsTheImagePullPolicy() {
        for (var c : Map.of(io.hostlet.manifest.PullPolicy.Always, PullMode.FIRST,
                io.hostlet.manifest.PullPolicy.IfNotPresent, PullMode.IF_MISSING,
                io.hostlet.manifest.PullPolicy.Never, PullMode.NEVER).entrySet()) {
            World w = converged();
            ContainerManifest m = w.desired.get("web");
            w.desired.put("web", Specs.with(m, s -> s.imagePullPolicy(c.getKey())));
            w.observed.removeIf(o -> o.managedName().equals("web"));

            Step.CreateContainer create = (Step.CreateContainer) w.plan().phases().get(2).steps().get(0);

            assertThat(create.container().pull()).as(c.getKey().toString()).isEqualTo(c.getValue());
        }
    }
}
