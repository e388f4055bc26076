package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
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

    /** The whole input of one planner call, mutable per row. */
    static final class World {
        final Map<String, ContainerManifest> desired = new LinkedHashMap<>();
        final List<ObservedContainer> observed = new ArrayList<>();
        final Map<String, String> networks = new HashMap<>();
        final Map<String, Backoff> backoffs = new HashMap<>();
        Set<String> heldFiles = Set.of();
        Set<String> heldNames = Set.of();
        boolean complete = true;

        Plan plan() {
            DesiredState d = new DesiredState(desired, heldFiles, heldNames, List.of(), complete, complete ? null : "folder missing");
            return Planner.plan(d, new ObservedState(observed, networks, NOW), backoffs, NOW);
        }

        World replaceObserved(String name, UnaryOperator<ObservedContainer> f) {
            observed.replaceAll(c -> c.managedName().equals(name) ? f.apply(c) : c);
            return this;
        }
    }

    static ContainerManifest manifest(String name, String image, String file, String... networks) {
        ContainerSpec base = ContainerSpec.ofImage(image);
        ContainerSpec spec = new ContainerSpec(base.image(), base.imagePullPolicy(), List.of(), List.of("sleep", "1000"),
                null, null, List.of(), List.of(), List.of(), List.of(networks), RestartPolicy.Always, base.resources(),
                Duration.ofSeconds(3));
        return new ContainerManifest(name, Map.of(), spec, new SourceRef(file, 1));
    }

    static ContainerManifest withRestartPolicy(ContainerManifest m, RestartPolicy p) {
        ContainerSpec s = m.spec();
        return new ContainerManifest(m.name(), m.labels(), new ContainerSpec(s.image(), s.imagePullPolicy(), s.command(),
                s.args(), s.workingDir(), s.user(), s.env(), s.ports(), s.volumes(), s.networks(), p, s.resources(),
                s.stopGracePeriod()), m.source());
    }

    static ObservedContainer running(ContainerManifest m, String id) {
        Map<String, String> labels = Labels.ownership("test");
        labels.put(Labels.NAME, m.name());
        labels.put(Labels.SPEC_HASH, SpecHash.of(m));
        labels.put(Labels.SPEC, SpecHash.canonical(m));
        labels.put(Labels.SOURCE, m.source().file());
        labels.put(Labels.STOP_GRACE, Long.toString(m.spec().stopGracePeriod().toSeconds()));
        return new ObservedContainer(id, m.name(), m.spec().image(), labels, State.RUNNING, null,
                NOW.minusSeconds(600), m.spec().networks());
    }

    static ObservedContainer exited(ObservedContainer c, int code) {
        return new ObservedContainer(c.id(), c.name(), c.image(), c.labels(), State.EXITED, code, c.created(), c.networks());
    }

    static ObservedContainer inState(ObservedContainer c, State state) {
        return new ObservedContainer(c.id(), c.name(), c.image(), c.labels(), state, null, c.created(), c.networks());
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
                    w.backoffs.put("container:web", new Backoff(SpecHash.of(w.desired.get("web")), NOW.plusSeconds(20), "back-off 20s"));
                    return w;
                }, "#1 container:web, Wait, back-off 20s\n"),
                row("expired backoff lets the restart through", w -> {
                    w.replaceObserved("web", c -> exited(c, 1));
                    w.backoffs.put("container:web", new Backoff(SpecHash.of(w.desired.get("web")), NOW.minusSeconds(1), "back-off 20s"));
                    return w;
                }, "#1 container:web, StartContainer, exited with code 1, restartPolicy Always\n"),
                row("failed create of an old spec does not delay the corrected one", w -> {
                    w.observed.removeIf(c -> c.managedName().equals("web"));
                    w.backoffs.put("container:web", new Backoff("some-older-hash", NOW.plusSeconds(60), "pull failed"));
                    return w;
                }, "#1 container:web, CreateContainer, not found\n"),
                row("two containers for one name: the extra goes", w -> {
                    ObservedContainer web = running(w.desired.get("web"), "id-web2");
                    w.observed.add(exited(new ObservedContainer("id-web2", "web-old", web.image(), web.labels(),
                            State.EXITED, 0, NOW.minusSeconds(900), List.of()), 0));
                    return w;
                }, "#1 container:web, RemoveContainer, duplicate of id-web\n"),
                row("network still used by a kept container is not removed", w -> {
                    w.desired.clear();
                    w.heldFiles = Set.of("web.yaml", "db.yaml");
                    return w;
                }, ""));
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
}
