package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PruneGuardTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                                          | allowEmpty | maxFraction | empty | managed | removals | refused
            "nothing to remove                               | false      | 0.5         | true  | 4       | 0        | false",
            "empty source while containers run               | false      | 0.5         | true  | 4       | 4        | true",
            "empty source, one container                     | false      | 0.5         | true  | 1       | 1        | true",
            "empty source allowed                            | true       | 0.5         | true  | 4       | 4        | false",
            "empty source allowed, even past the fraction    | true       | 0.1         | true  | 10      | 10       | false",
            "one of four files deleted                       | false      | 0.5         | false | 4       | 1        | false",
            "two of three: never more than two is free       | false      | 0.5         | false | 3       | 2        | false",
            "three of four is more than half                 | false      | 0.5         | false | 4       | 3        | true",
            "three of six is exactly half                    | false      | 0.5         | false | 6       | 3        | false",
            "four of six is more than half                   | false      | 0.5         | false | 6       | 4        | true",
            "three of four with the fraction at 1            | false      | 1.0         | false | 4       | 3        | false",
            "three of four with the fraction at 0.8          | false      | 0.8         | false | 4       | 3        | false",
            "a strict fraction still lets two go             | false      | 0.0         | false | 100     | 2        | false",
            "a strict fraction holds the third               | false      | 0.0         | false | 100     | 3        | true",
    })
    void refusesEmptySourcesAndMassRemovals(String name, boolean allowEmpty, double maxFraction, boolean empty,
                                            int managed, int removals, boolean refused) {
        String why = new PruneGuard(allowEmpty, maxFraction).refusal(empty, managed, removals);

        assertThat(why != null).as(why).isEqualTo(refused);
    }

    @Test
    void theRefusalsSayWhatHappenedAndWhichSettingAllowsIt() {
        assertThat(PruneGuard.DEFAULT.refusal(true, 3, 3)).contains("no manifests", "3 container(s)",
                "hostlet.prune.allow-empty=true");
        assertThat(PruneGuard.DEFAULT.refusal(false, 4, 3)).contains("remove 3 of the 4", "hostlet.prune.max-fraction=0.5");
    }

    @Test
    void anEmptyFolderHoldsEveryRemovalAndDropsNetworkRemovals() {
        ContainerManifest web = PlannerTest.manifest("web", "nginx:1", "web.yaml", "app");
        ContainerManifest db = PlannerTest.manifest("db", "postgres:16", "db.yaml", "app");
        DesiredState empty = new DesiredState(Map.of(), Set.of(), Set.of(), List.of(), true, null);
        ObservedState observed = ObservedState.listed(List.of(PlannerTest.running(web, "id-web"),
                PlannerTest.running(db, "id-db")), Map.of("app", "net-app"));

        Plan unguarded = Planner.plan(PlanInput.builder(empty, observed, PlannerTest.NOW, PlannerTest.ORIGIN).build());
        Plan guarded = Planner.plan(PlanInput.builder(empty, observed, PlannerTest.NOW, PlannerTest.ORIGIN)
                .guard(PruneGuard.DEFAULT).build());

        assertThat(unguarded.render()).contains("RemoveContainer", "RemoveNetwork");
        assertThat(guarded.hasActions()).isFalse();
        assertThat(guarded.render()).isEqualTo("""
                #1 container:db, HoldRemoval, %1$s
                #2 container:web, HoldRemoval, %1$s
                """.formatted(PruneGuard.DEFAULT.refusal(true, 2, 2)));
    }

    @Test
    void aMassRemovalIsHeldWhileCreatesAndRestartsGoOn() {
        Map<String, ContainerManifest> all = new LinkedHashMap<>();
        List<ObservedContainer> observed = new ArrayList<>();
        for (String n : List.of("a", "b", "c", "d")) {
            ContainerManifest m = PlannerTest.manifest(n, "img:1", n + ".yaml");
            all.put(n, m);
            observed.add(PlannerTest.running(m, "id-" + n));
        }
        ContainerManifest fresh = PlannerTest.manifest("e", "img:1", "e.yaml");
        DesiredState oneLeft = new DesiredState(Map.of("a", all.get("a"), "e", fresh), Set.of(), Set.of(), List.of(),
                true, null);

        Plan plan = Planner.plan(PlanInput.builder(oneLeft, ObservedState.listed(observed, Map.of()), PlannerTest.NOW,
                PlannerTest.ORIGIN).guard(PruneGuard.DEFAULT).build());

        assertThat(plan.render()).startsWith("""
                #1 container:b, HoldRemoval, this pass would remove 3 of the 4 managed containers""")
                .contains("#4 container:e, CreateContainer, not found")
                .doesNotContain("RemoveContainer");
    }

    @Test
    void aPlanWithinTheLimitsIsLeftAsItIs() {
        ContainerManifest a = PlannerTest.manifest("a", "img:1", "a.yaml");
        ContainerManifest b = PlannerTest.manifest("b", "img:1", "b.yaml");
        DesiredState onlyA = new DesiredState(Map.of("a", a), Set.of(), Set.of(), List.of(), true, null);
        ObservedState observed = ObservedState.listed(List.of(PlannerTest.running(a, "id-a"), PlannerTest.running(b, "id-b")),
                Map.of());

        assertThat(Planner.plan(PlanInput.builder(onlyA, observed, PlannerTest.NOW, PlannerTest.ORIGIN)
                .guard(PruneGuard.DEFAULT).build()).render())
                .isEqualTo("#1 container:b, RemoveContainer, manifest removed\n");
    }
}
