package io.hostlet.plan;

import io.hostlet.manifest.Specs;
import io.hostlet.observed.Containers;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedContainer.Health;
import io.hostlet.observed.ObservedContainer.State;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.Dependency;
import io.hostlet.manifest.Dependency.Condition;
import io.hostlet.manifest.HealthCheck;
import io.hostlet.manifest.SpecHash;
import io.hostlet.plan.PlannerTest.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.plan.PlannerTest.NOW;
import static io.hostlet.plan.PlannerTest.exited;
import static io.hostlet.plan.PlannerTest.inState;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table tests of health checks and start order in the planner. The base world: {@code db} with a health check,
 * running and healthy; {@code web} depending on {@code db} being healthy, running; both on network {@code app}.
 */
class HealthAndOrderPlannerTest {

    static final HealthCheck CHECK = new HealthCheck(List.of("true"), null, Duration.ofSeconds(1), Duration.ofSeconds(1),
            3, Duration.ZERO);

    static ContainerManifest with(ContainerManifest m, HealthCheck h, boolean restartOnUnhealthy, Dependency... deps) {
        return Specs.with(m, s -> s.healthcheck(h).restartOnUnhealthy(restartOnUnhealthy).dependsOn(List.of(deps)));
    }

    static Dependency on(String name, Condition c) {
        return new Dependency(name, c, 10, 9);
    }

    /** As hostlet creates it: with the depends-on label when the manifest has dependencies. */
    static ObservedContainer runningAs(ContainerManifest m, String id, Health health) {
        ObservedContainer c = running(m, id).withHealth(health);
        if (m.spec().dependsOn().isEmpty()) {
            return c;
        }
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(Labels.DEPENDS_ON, String.join(",", m.spec().dependsOn().stream().map(Dependency::name).toList()));
        return Containers.from(c).labels(labels).build();
    }

    static World base() {
        World w = new World();
        ContainerManifest db = with(manifest("db", "busybox:1", "db.yaml", "app"), CHECK, false);
        ContainerManifest web = with(manifest("web", "busybox:1", "web.yaml", "app"), null, false, on("db", Condition.healthy));
        w.desired.put("db", db);
        w.desired.put("web", web);
        w.observed.add(runningAs(db, "id-db", Health.HEALTHY));
        w.observed.add(runningAs(web, "id-web", Health.NONE));
        w.networks.put("app", "net-app");
        return w;
    }

    static World remove(World w, String name) {
        w.observed.removeIf(c -> c.managedName().equals(name));
        return w;
    }

    static World health(World w, String name, Health h) {
        return w.replaceObserved(name, c -> c.withHealth(h));
    }

    static Arguments row(String name, UnaryOperator<World> mutation, String expected) {
        return Arguments.of(name, mutation, expected);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("converged world needs nothing", w -> w, ""),
                // ---- health
                row("an unhealthy container is left alone without restartOnUnhealthy", w -> health(w, "db", Health.UNHEALTHY), ""),
                row("an unhealthy container with restartOnUnhealthy is restarted", w -> {
                    w.desired.put("db", with(w.desired.get("db"), CHECK, true));
                    return health(w, "db", Health.UNHEALTHY);
                }, "#1 container:db, RestartContainer, unhealthy, restartOnUnhealthy\n"),
                row("a health check still starting is no reason to restart", w -> {
                    w.desired.put("db", with(w.desired.get("db"), CHECK, true));
                    return health(w, "db", Health.STARTING);
                }, ""),
                row("restarts for unhealthiness back off like crashes", w -> {
                    w.desired.put("db", with(w.desired.get("db"), CHECK, true));
                    w.backoffs.put(Target.container("db"), new Backoff(SpecHash.of(w.desired.get("db")), NOW.plusSeconds(20),
                            "back-off 20s restarting"));
                    return health(w, "db", Health.UNHEALTHY);
                }, "#1 container:db, Wait, back-off 20s restarting\n"),
                row("adding a health check recreates and names it", w -> {
                    w.desired.put("web", with(w.desired.get("web"), CHECK, false, on("db", Condition.healthy)));
                    return w;
                }, "#1 container:web, RecreateContainer, spec changed: healthcheck\n"),
                row("turning restartOnUnhealthy on or changing dependsOn recreates nothing", w -> {
                    w.desired.put("db", with(w.desired.get("db"), CHECK, true));
                    w.desired.put("web", with(w.desired.get("web"), null, false, on("db", Condition.started)));
                    return w;
                }, ""),
                // ---- start order
                row("both missing: the dependency is created, the dependent waits", w -> remove(remove(w, "db"), "web"),
                        "#1 container:db, CreateContainer, not found\n"
                                + "#2 container:web, Wait, waiting for db to be healthy\n"),
                row("a dependency still starting its health check holds the dependent's create", w -> {
                    remove(w, "web");
                    return health(w, "db", Health.STARTING);
                }, "#1 container:web, Wait, waiting for db to be healthy\n"),
                row("a healthy dependency lets the dependent be created", w -> remove(w, "web"),
                        "#1 container:web, CreateContainer, not found\n"),
                row("healthy on a dependency without any health check means running", w -> {
                    w.desired.put("db", with(w.desired.get("db"), null, false));
                    w.observed.replaceAll(c -> c.managedName().equals("db") ? runningAs(w.desired.get("db"), "id-db", Health.NONE) : c);
                    return remove(w, "web");
                }, "#1 container:web, CreateContainer, not found\n"),
                row("started: an exited dependency holds the dependent's restart, and is restarted itself", w -> {
                    w.desired.put("web", with(w.desired.get("web"), null, false, on("db", Condition.started)));
                    w.replaceObserved("db", c -> exited(c, 1));
                    return w.replaceObserved("web", c -> exited(c, 1));
                }, "#1 container:db, StartContainer, exited with code 1, restartPolicy Always\n"
                        + "#2 container:web, Wait, waiting for db to be running\n"),
                row("a running dependent is not touched when its dependency becomes unhealthy", w -> health(w, "db", Health.UNHEALTHY), ""),
                row("a recreate waits for the dependency, leaving the old container running", w -> {
                    health(w, "db", Health.UNHEALTHY);
                    w.desired.put("web", with(manifest("web", "busybox:2", "web.yaml", "app"), null, false, on("db", Condition.healthy)));
                    return w;
                }, "#1 container:web, Wait, waiting for db to be healthy\n"),
                row("completed: waits while the dependency runs", w -> {
                    w.desired.put("web", with(w.desired.get("web"), null, false, on("db", Condition.completed)));
                    return remove(w, "web");
                }, "#1 container:web, Wait, waiting for db to complete (exit 0)\n"),
                row("completed: a non-zero exit does not count", w -> {
                    w.desired.put("db", with(w.desired.get("db"), CHECK, false));
                    w.desired.put("web", with(w.desired.get("web"), null, false, on("db", Condition.completed)));
                    w.desired.put("db", withPolicy(w.desired.get("db"), io.hostlet.manifest.RestartPolicy.Never));
                    w.observed.replaceAll(c -> c.managedName().equals("db") ? exited(runningAs(w.desired.get("db"), "id-db", Health.NONE), 2) : c);
                    return remove(w, "web");
                }, "#1 container:web, Wait, waiting for db to complete (exit 0)\n"),
                row("completed: an exit 0 lets the dependent start", w -> {
                    w.desired.put("db", withPolicy(w.desired.get("db"), io.hostlet.manifest.RestartPolicy.OnFailure));
                    w.desired.put("web", with(w.desired.get("web"), null, false, on("db", Condition.completed)));
                    w.observed.replaceAll(c -> c.managedName().equals("db") ? exited(runningAs(w.desired.get("db"), "id-db", Health.NONE), 0) : c);
                    return remove(w, "web");
                }, "#1 container:web, CreateContainer, not found\n"),
                row("several unmet dependencies are all named", w -> {
                    ContainerManifest cache = manifest("cache", "busybox:1", "cache.yaml");
                    w.desired.put("cache", cache);
                    w.desired.put("web", with(w.desired.get("web"), null, false, on("db", Condition.healthy),
                            on("cache", Condition.started)));
                    health(w, "db", Health.UNHEALTHY);
                    return remove(w, "web");
                }, "#1 container:cache, CreateContainer, not found\n"
                        + "#2 container:web, Wait, waiting for db to be healthy, cache to be running\n"),
                // ---- removal order
                row("removing both: the dependency waits until its dependent is gone", w -> {
                    w.desired.clear();
                    return w;
                }, "#1 container:db, Wait, manifest removed; waiting for web (which depend on it) to be removed first\n"
                        + "#2 container:web, RemoveContainer, manifest removed\n"),
                row("once the dependent is gone the dependency and the network go", w -> {
                    w.desired.clear();
                    return remove(w, "web");
                }, "#1 container:db, RemoveContainer, manifest removed\n"
                        + "#2 network:app, RemoveNetwork, no manifest uses it\n"),
                row("a dependency removed while its dependent stays wanted is removed at once", w -> {
                    w.desired.remove("db");
                    return w;
                }, "#1 container:db, RemoveContainer, manifest removed\n"),
                row("a dependent held by a file with errors does not hold the dependency's removal", w -> {
                    w.desired.clear();
                    w.heldFiles = java.util.Set.of("web.yaml");
                    return w;
                }, "#1 container:db, RemoveContainer, manifest removed\n"));
    }

    static ContainerManifest withPolicy(ContainerManifest m, io.hostlet.manifest.RestartPolicy p) {
        return Specs.with(m, s -> s.restartPolicy(p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plansHealthRestartsAndStartOrder(String name, UnaryOperator<World> mutation, String expected) {
        assertThat(mutation.apply(base()).plan().render()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void planningIsIdempotentAndPure(String name, UnaryOperator<World> mutation, String expected) {
        PlanProperties.assertPureAndIdempotent(mutation.apply(base()));
    }

    @Test
    void waitingForADependencySetsNoTimerButABackoffDoes() {
        World w = remove(health(base(), "db", Health.STARTING), "web");
        assertThat(w.plan().nextWakeUp()).isEmpty();
        assertThat(w.plan().hasActions()).isFalse();

        w.replaceObserved("db", c -> exited(c, 1));
        w.backoffs.put(Target.container("db"), new Backoff(SpecHash.of(w.desired.get("db")), NOW.plusSeconds(20), "back-off"));
        assertThat(w.plan().nextWakeUp()).contains(NOW.plusSeconds(20));
    }

    @Test
    void theDependsOnLabelIsReadBack() {
        World w = base();
        List<String> deps = new ArrayList<>();
        w.observed.forEach(c -> deps.addAll(c.dependsOn()));
        assertThat(deps).containsExactly("db");
        assertThat(inState(w.observed.get(0), State.EXITED).dependsOn()).isEmpty();
    }
}
