package io.hostlet.status;

import io.hostlet.recorder.BackoffBook;
import io.hostlet.recorder.PulledImages;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.LocalImages;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.manifest.SourceRef;
import io.hostlet.plan.Backoff;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PlanInput;
import io.hostlet.plan.Planner;
import io.hostlet.plan.Origin;
import io.hostlet.plan.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code images} section of status, convergence with Image manifests, and the pulled-images file. */
class ImageStatusTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path state;

    static ImageManifest image(String name, String ref, PullPolicy p) {
        return new ImageManifest(name, ref, p, new SourceRef("images.yaml", 1));
    }

    private static HostStatus status(Map<String, ImageManifest> images, Set<String> held, Map<String, String> local,
                                     Map<Target, Backoff> backoffs) {
        DesiredState d = new DesiredState(Map.of(), Set.of(), Set.of(), List.of(), true, null, images, held);
        ObservedState o = new ObservedState(List.of(), Map.of(), Map.of(), new LocalImages(local));
        Plan plan = Planner.plan(PlanInput.builder(d, o, NOW,
                new Origin("test", null, io.hostlet.manifest.LabelKey.random()))
                .backoffs(backoffs).build());
        return StatusBuilder.build(d, null, o, plan, new BackoffBook(), NOW, null);
    }

    @Test
    void eachDesiredImageHasItsPhase() {
        Map<String, ImageManifest> images = new HashMap<>();
        images.put("present", image("present", "reg:5000/present:1", PullPolicy.IfNotPresent));
        images.put("missing", image("missing", "reg:5000/missing:1", PullPolicy.IfNotPresent));
        images.put("never", image("never", "reg:5000/never:1", PullPolicy.Never));
        images.put("failing", image("failing", "reg:5000/failing:1", PullPolicy.IfNotPresent));
        Map<Target, Backoff> backoffs = Map.of(Target.image("reg:5000/failing:1"), new Backoff("reg:5000/failing:1",
                NOW.plusSeconds(10), "pull of reg:5000/failing:1 failed: manifest unknown"));

        HostStatus s = status(images, Set.of("twice"), Map.of("reg:5000/present:1", "sha256:p"), backoffs);

        assertThat(s.images()).extracting(i -> i.name() + " " + i.phase() + " " + i.imageId() + " " + i.message())
                .containsExactly(
                        "failing ImagePullBackOff null pull of reg:5000/failing:1 failed: manifest unknown; next try at 2026-11-28T12:00:10Z",
                        "missing Pulling null not present; Image missing keeps it (imagePullPolicy IfNotPresent)",
                        "never ErrImageNeverPull null image reg:5000/never:1 is not present and imagePullPolicy is Never:"
                                + " hostlet does not pull it (load or pull it by hand, or change the policy)",
                        "present Present sha256:p null",
                        "twice Conflict null defined by more than one Image manifest; none is applied until that is fixed");
        assertThat(s.converged()).isFalse();
        assertThat(s.imagesNotPresentCount()).isEqualTo(4);
    }

    @Test
    void anImageWhosePullIsInFlightIsPullingAndTheHostIsNotConverged() {
        DesiredState d = new DesiredState(Map.of(), Set.of(), Set.of(), List.of(), true, null,
                Map.of("tools", image("tools", "reg:5000/tools:1", PullPolicy.IfNotPresent)), Set.of());
        ObservedState o = new ObservedState(List.of(), Map.of(), Map.of(), new LocalImages(Map.of()));
        Plan first = Planner.plan(PlanInput.builder(d, o, NOW,
                new Origin("test", null, io.hostlet.manifest.LabelKey.random()))
                .build());
        io.hostlet.plan.Step pull = first.actions().get(0);
        Plan plan = Planner.plan(PlanInput.builder(d, o, NOW,
                new Origin("test", null, io.hostlet.manifest.LabelKey.random()))
                .inFlight(Map.of(pull.target(), pull)).build());

        HostStatus s = StatusBuilder.build(d, null, o, plan, new BackoffBook(), NOW, null);

        assertThat(s.images()).extracting(i -> i.phase() + " " + i.message()).containsExactly(
                "Pulling in progress: PullImage reg:5000/tools:1 (not present; Image tools keeps it (imagePullPolicy"
                        + " IfNotPresent))");
        assertThat(s.converged()).isFalse();
        assertThat(s.reason()).isEqualTo("1 step(s) in progress");
    }

    @Test
    void aMissingNeverImageAloneKeepsHostletFromConverging() {
        HostStatus s = status(Map.of("never", image("never", "reg:5000/never:1", PullPolicy.Never)), Set.of(), Map.of(),
                Map.of());

        assertThat(s.converged()).isFalse();
        assertThat(s.reason()).isEqualTo("1 image(s) not present: never (ErrImageNeverPull)");
    }

    @Test
    void everyImagePresentIsConverged() {
        HostStatus s = status(Map.of("tools", image("tools", "busybox", PullPolicy.Always)), Set.of(),
                Map.of("busybox:latest", "sha256:b"), Map.of());

        assertThat(s.converged()).isTrue();
        assertThat(s.reason()).isNull();
        assertThat(s.images()).singleElement().satisfies(i -> assertThat(i.phase()).isEqualTo(ImageStatus.Phase.Present));
    }

    @Test
    void thePulledImagesFileIsWholeJsonAndAnUnreadableOneCountsAsEmpty() throws Exception {
        PulledImages record = new PulledImages(state, "it/1");
        record.pulled("reg:5000/a:1", null, "sha256:a", NOW);

        Path file = state.resolve("pulled-images-it_1.json");
        assertThat(record.file()).isEqualTo(file);
        assertThat(Files.readString(file)).contains("\"reference\" : \"reg:5000/a:1\"", "\"imageId\" : \"sha256:a\"",
                "\"pulledAt\" : \"2026-11-28T12:00:00Z\"", "\"unwantedSince\" : null");
        try (var files = Files.list(state)) {
            assertThat(files).as("no temporary file left beside it").containsExactly(file);
        }

        Files.writeString(file, "{\"images\": [ {\"reference\": ");
        assertThat(new PulledImages(state, "it/1").list()).isEmpty();
    }
}
