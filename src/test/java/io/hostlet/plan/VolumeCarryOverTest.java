package io.hostlet.plan;

import io.hostlet.manifest.Specs;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.desired.DesiredState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A recreate mounts the old container's anonymous volumes where they were, unless the new spec mounts its own. */
class VolumeCarryOverTest {

    static final String A = "a".repeat(64);
    static final String B = "b".repeat(64);

    static ContainerManifest withVolumes(ContainerManifest m, List<ContainerSpec.VolumeMount> volumes) {
        return Specs.with(m, s -> s.volumes(volumes));
    }

    static ObservedContainer withAnonymous(ObservedContainer c, AnonymousVolume... vs) {
        return new ObservedContainer(c.id(), c.name(), c.image(), c.labels(), c.state(), c.exitCode(), c.created(),
                c.networks(), c.health(), c.imageId(), List.of(vs));
    }

    @Test
    void everyAnonymousVolumeIsCarriedToItsPathSorted() {
        ContainerManifest m = PlannerTest.manifest("web", "busybox:1", "web.yaml");
        ObservedContainer old = withAnonymous(PlannerTest.running(m, "id-web"),
                new AnonymousVolume(B, "/var/lib/b"), new AnonymousVolume(A, "/data"));
        assertThat(VolumeCarryOver.carried(old, m))
                .containsExactly(new AnonymousVolume(A, "/data"), new AnonymousVolume(B, "/var/lib/b"));
    }

    @Test
    void aPathTheNewSpecMountsItselfWins() {
        ContainerManifest m = PlannerTest.manifest("web", "busybox:1", "web.yaml");
        ObservedContainer old = withAnonymous(PlannerTest.running(m, "id-web"),
                new AnonymousVolume(A, "/data"), new AnonymousVolume(B, "/cache"));
        ContainerManifest next = withVolumes(m, List.of(new ContainerSpec.VolumeMount("pgdata", null, "/data/", false)));
        assertThat(VolumeCarryOver.carried(old, next)).containsExactly(new AnonymousVolume(B, "/cache"));
    }

    @Test
    void aContainerWithoutAnonymousVolumesCarriesNothing() {
        ContainerManifest m = PlannerTest.manifest("web", "busybox:1", "web.yaml");
        assertThat(VolumeCarryOver.carried(PlannerTest.running(m, "id-web"), m)).isEmpty();
    }

    @Test
    void theRecreateStepCarriesTheVolumes() {
        ContainerManifest before = PlannerTest.manifest("web", "busybox:1", "web.yaml");
        ContainerManifest after = PlannerTest.manifest("web", "busybox:2", "web.yaml");
        ObservedContainer old = withAnonymous(PlannerTest.running(before, "id-web"), new AnonymousVolume(A, "/data"));
        DesiredState d = new DesiredState(Map.of("web", after), Set.of(), Set.of(), List.of(), true, null);
        Plan plan = Planner.plan(PlanInput.builder(d, ObservedState.listed(List.of(old), Map.of()), PlannerTest.NOW,
                PlannerTest.ORIGIN).build());
        assertThat(plan.render()).isEqualTo("#1 container:web, RecreateContainer, spec changed: image\n");
        assertThat(((Step.RecreateContainer) plan.actions().get(0)).container().carriedVolumes())
                .containsExactly(new AnonymousVolume(A, "/data"));
    }

    @Test
    void onlyEngineNamesAreAnonymous() {
        assertThat(AnonymousVolume.isEngineNamed(A)).isTrue();
        assertThat(AnonymousVolume.isEngineNamed("pgdata")).isFalse();
        assertThat(AnonymousVolume.isEngineNamed(A.toUpperCase())).isFalse();
        assertThat(AnonymousVolume.isEngineNamed(A + "0")).isFalse();
        assertThat(AnonymousVolume.isEngineNamed(null)).isFalse();
    }
}
