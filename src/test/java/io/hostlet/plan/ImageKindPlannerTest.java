package io.hostlet.plan;

import io.hostlet.desired.DesiredState;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.LocalImages;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.manifest.SourceRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.plan.ImagePlannerTest.withPolicy;
import static io.hostlet.plan.PlannerTest.NOW;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table tests of {@code kind: Image} and of image garbage collection. The converged base: Image {@code tools} keeps
 * {@code reg:5000/tools:2.1} (IfNotPresent), which is present; container {@code web} runs {@code busybox:1}; hostlet's
 * record says it pulled {@code reg:5000/old:1} (still present, unwanted for two hours) and {@code reg:5000/tools:2.1};
 * {@code mine:1} is present but hostlet never pulled it. Garbage collection is on with a grace of one hour.
 */
class ImageKindPlannerTest {

    static final String TOOLS = "reg:5000/tools:2.1";
    static final String OLD = "reg:5000/old:1";
    static final Duration GRACE = Duration.ofHours(1);

    static ImageManifest image(String name, String ref, PullPolicy p) {
        return new ImageManifest(name, ref, p, new SourceRef(name + ".yaml", 1));
    }

    /** The whole input of one planner call, mutable per row. */
    static final class World {
        final Map<String, ContainerManifest> containers = new LinkedHashMap<>();
        final Map<String, ImageManifest> images = new LinkedHashMap<>();
        final List<io.hostlet.observed.ObservedContainer> observed = new ArrayList<>();
        final Map<String, String> local = new HashMap<>();
        final Map<String, ImageCheck> checks = new HashMap<>();
        final Map<Target, Backoff> backoffs = new HashMap<>();
        final List<PulledImage> pulled = new ArrayList<>();
        Set<String> heldFiles = new HashSet<>();
        Set<String> heldImages = new HashSet<>();
        List<ManifestError> errors = new ArrayList<>();
        boolean complete = true;
        boolean listed = true;
        boolean prune = true;

        DesiredState desired() {
            return new DesiredState(containers, heldFiles, Set.of(), errors, complete, complete ? null : "folder missing",
                    images, heldImages);
        }

        ObservedState observedState() {
            return new ObservedState(observed, Map.of(), checks, listed ? new LocalImages(local) : null);
        }

        Plan plan() {
            return Planner.plan(PlanInput.builder(desired(), observedState(), NOW, PlannerTest.ORIGIN)
                    .backoffs(backoffs).gc(new ImageGc(prune, GRACE, pulled)).build());
        }
    }

    static World converged() {
        World w = new World();
        ContainerManifest web = manifest("web", "busybox:1", "web.yaml");
        w.containers.put("web", web);
        w.observed.add(running(web, "id-web").withImageId("sha256:busybox"));
        w.images.put("tools", image("tools", TOOLS, PullPolicy.IfNotPresent));
        w.local.put("busybox:1", "sha256:busybox");
        w.local.put(TOOLS, "sha256:tools");
        w.local.put(OLD, "sha256:old");
        w.local.put("mine:1", "sha256:mine");
        w.pulled.add(new PulledImage(OLD, "sha256:old", NOW.minus(Duration.ofDays(1)), NOW.minus(Duration.ofHours(2))));
        w.pulled.add(new PulledImage(TOOLS, "sha256:tools", NOW.minus(Duration.ofDays(1)), null));
        return w;
    }

    /** The base without the old image, so that rows about pulls read alone. */
    static World clean() {
        World w = converged();
        w.pulled.removeIf(p -> p.reference().equals(OLD));
        return w;
    }

    static Arguments row(String name, UnaryOperator<World> mutation, String expected) {
        return Arguments.of(name, mutation, expected);
    }

    static final String REMOVE_OLD = "#1 image:reg:5000/old:1, RemoveImage, pulled by hostlet, unused since "
            + "2026-11-28T10:00:00Z (grace PT1H)\n";

    static Stream<Arguments> pullRows() {
        return Stream.of(
                row("a present image needs nothing", w -> clean(), ""),
                row("a missing IfNotPresent image is pulled", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    return c;
                }, "#1 image:reg:5000/tools:2.1, PullImage, not present; Image tools keeps it (imagePullPolicy IfNotPresent)\n"),
                row("a missing Never image is not pulled (status reports it)", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.images.put("tools", image("tools", TOOLS, PullPolicy.Never));
                    return c;
                }, ""),
                row("a missing Always image whose registry could not be asked is pulled anyway", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.images.put("tools", image("tools", TOOLS, PullPolicy.Always));
                    return c;
                }, "#1 image:reg:5000/tools:2.1, PullImage, not present; Image tools keeps it (imagePullPolicy Always)\n"),
                row("an Always image whose registry digest moved is pulled", w -> {
                    World c = clean();
                    c.images.put("tools", image("tools", TOOLS, PullPolicy.Always));
                    c.checks.put(TOOLS, new ImageCheck(TOOLS, "sha256:2222222222222222222", "sha256:tools", false));
                    return c;
                }, "#1 image:reg:5000/tools:2.1, PullImage, the registry's digest moved to sha256:222222222222\n"),
                row("an Always image the registry still serves needs nothing", w -> {
                    World c = clean();
                    c.images.put("tools", image("tools", TOOLS, PullPolicy.Always));
                    c.checks.put(TOOLS, new ImageCheck(TOOLS, "sha256:1111", "sha256:tools", true));
                    return c;
                }, ""),
                row("an image two manifests and a container want is pulled once", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.images.put("tools-again", image("tools-again", TOOLS, PullPolicy.IfNotPresent));
                    ContainerManifest uses = withPolicy(manifest("uses", TOOLS, "uses.yaml"), PullPolicy.Always);
                    c.containers.put("uses", uses);
                    c.observed.add(running(uses, "id-uses"));
                    return c;
                }, "#1 image:reg:5000/tools:2.1, PullImage, not present; Image tools keeps it (imagePullPolicy IfNotPresent)\n"),
                row("one image spelled two ways is pulled once", w -> {
                    World c = clean();
                    c.images.put("hub", image("hub", "busybox:1.36", PullPolicy.IfNotPresent));
                    c.images.put("hub-long", image("hub-long", "docker.io/library/busybox:1.36", PullPolicy.IfNotPresent));
                    return c;
                }, "#1 image:busybox:1.36, PullImage, not present; Image hub keeps it (imagePullPolicy IfNotPresent)\n"),
                row("a pull backing off waits", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.backoffs.put(Target.image(TOOLS), new Backoff(TOOLS, NOW.plusSeconds(10), "pull of " + TOOLS
                            + " failed: manifest unknown"));
                    return c;
                }, "#1 image:reg:5000/tools:2.1, Wait, pull of reg:5000/tools:2.1 failed: manifest unknown\n"),
                row("an expired backoff lets the pull through", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.backoffs.put(Target.image(TOOLS), new Backoff(TOOLS, NOW.minusSeconds(1), "pull failed"));
                    return c;
                }, "#1 image:reg:5000/tools:2.1, PullImage, not present; Image tools keeps it (imagePullPolicy IfNotPresent)\n"),
                row("an image name claimed twice is not applied", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.heldImages.add("tools");
                    return c;
                }, ""),
                row("without a list of local images nothing is decided about presence", w -> {
                    World c = clean();
                    c.local.remove(TOOLS);
                    c.listed = false;
                    return c;
                }, ""));
    }

    static Stream<Arguments> gcRows() {
        return Stream.of(
                row("a pulled image unwanted for longer than the grace is removed", w -> w, REMOVE_OLD),
                row("within the grace it stays", w -> {
                    w.pulled.set(0, w.pulled.get(0).unwantedSince(NOW.minus(Duration.ofMinutes(59))));
                    return w;
                }, ""),
                row("an image never marked unwanted stays", w -> {
                    w.pulled.set(0, w.pulled.get(0).unwantedSince(null));
                    return w;
                }, ""),
                row("an image a container manifest names again stays", w -> {
                    w.containers.put("old", manifest("old", OLD, "old.yaml"));
                    return w;
                }, "#1 container:old, CreateContainer, not found\n"),
                row("an image an Image manifest names (in another spelling) stays", w -> {
                    w.images.put("old", image("old", "reg:5000/old:1", PullPolicy.Never));
                    return w;
                }, ""),
                row("an image wanted under another reference (same id) stays", w -> {
                    w.local.put("reg:5000/old:renamed", "sha256:old");
                    w.images.put("renamed", image("renamed", "reg:5000/old:renamed", PullPolicy.IfNotPresent));
                    return w;
                }, ""),
                row("an image a managed container still uses stays (its removal comes first)", w -> {
                    ContainerManifest gone = manifest("gone", OLD, "gone.yaml");
                    w.observed.add(running(gone, "id-gone").withImageId("sha256:old"));
                    return w;
                }, "#1 container:gone, RemoveContainer, manifest removed\n"),
                row("a reference someone re-pointed at another image is left alone", w -> {
                    w.local.put(OLD, "sha256:someone-elses");
                    return w;
                }, ""),
                row("an image hostlet did not pull is never removed", w -> {
                    w.pulled.clear();
                    return w;
                }, ""),
                row("nothing is removed while the folder is unreadable", w -> {
                    w.complete = false;
                    return w;
                }, ""),
                row("nothing is removed while a file is held with errors", w -> {
                    w.heldFiles.add("broken.yaml");
                    w.errors.add(new ManifestError("broken.yaml", 1, 1, "spec is required"));
                    return w;
                }, ""),
                row("nothing is removed while any manifest has an error", w -> {
                    w.errors.add(new ManifestError("a.yaml", 1, 1, "container name \"x\" is also defined at b.yaml:1"));
                    return w;
                }, ""),
                row("nothing is removed when garbage collection is off", w -> {
                    w.prune = false;
                    return w;
                }, ""),
                row("nothing is removed when local images were not listed", w -> {
                    w.listed = false;
                    return w;
                }, ""),
                row("a failed removal backs off for that image", w -> {
                    w.backoffs.put(Target.image(OLD), new Backoff("sha256:old", NOW.plusSeconds(10), "remove image failed"));
                    return w;
                }, "#1 image:reg:5000/old:1, Wait, remove image failed\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pullRows")
    void keepsImagesPresent(String name, UnaryOperator<World> mutation, String expected) {
        assertThat(mutation.apply(converged()).plan().render()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gcRows")
    void removesOnlyWhatHostletPulledAndNothingWants(String name, UnaryOperator<World> mutation, String expected) {
        assertThat(mutation.apply(converged()).plan().render()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"pullRows", "gcRows"})
    void planningIsIdempotentAndPure(String name, UnaryOperator<World> mutation, String expected) {
        World w = mutation.apply(converged());
        PlanProperties.assertPureAndIdempotent(
                () -> List.of(Map.copyOf(w.containers), Map.copyOf(w.images), List.copyOf(w.observed), Map.copyOf(w.local),
                        Map.copyOf(w.checks), Map.copyOf(w.backoffs), List.copyOf(w.pulled), Set.copyOf(w.heldFiles),
                        Set.copyOf(w.heldImages), List.copyOf(w.errors), List.of(w.complete, w.listed, w.prune)),
                w::plan, plan -> applied(w, plan));
    }

    /** The engine and the pulled-image record as the executor leaves them after {@code plan}'s steps. */
    private static void applied(World w, Plan plan) {
        PlannerTest.World containers = new PlannerTest.World();
        containers.desired.putAll(w.containers);
        containers.observed.addAll(w.observed);
        PlanProperties.apply(containers, w.checks, plan); // pulls leave the registry check current
        Step.Visitor<Void> images = new Step.Partial<>() {
            @Override
            public Void visitPullImage(Step.PullImage p) {
                String id = w.checks.get(p.image()).localId();
                w.local.put(p.image(), id);
                w.pulled.add(new PulledImage(p.image(), id, NOW, null));
                return null;
            }

            @Override
            public Void visitRemoveImage(Step.RemoveImage r) {
                w.local.remove(r.image());
                w.pulled.removeIf(p -> p.reference().equals(r.image()));
                return null;
            }

            @Override
            protected Void otherwise(Step s) {
                return null; // containers and networks: PlanProperties.apply above
            }
        };
        for (Step s : plan.actions()) {
            s.accept(images);
        }
        w.observed.clear();
        w.observed.addAll(containers.observed);
    }

    // ---- tracking the record

    private static List<PulledImage> track(World w) {
        return ImageGc.track(w.pulled, w.desired(), w.observedState(), NOW);
    }

    @Test
    void trackingMarksTheNewlyUnwantedAndClearsTheWantedAgain() {
        World w = converged();
        w.pulled.set(0, w.pulled.get(0).unwantedSince(null));
        w.images.clear();

        assertThat(track(w)).extracting(PulledImage::reference, PulledImage::unwantedSince).containsExactly(
                org.assertj.core.groups.Tuple.tuple(OLD, NOW), org.assertj.core.groups.Tuple.tuple(TOOLS, NOW));

        World again = converged();
        again.pulled.set(1, again.pulled.get(1).unwantedSince(NOW.minusSeconds(5)));
        assertThat(track(again)).extracting(PulledImage::unwantedSince)
                .as("the old image keeps its first mark; tools is wanted again").containsExactly(NOW.minus(Duration.ofHours(2)), null);
    }

    @Test
    void trackingDropsWhatIsGoneOrRePointedButLeavesMarksAloneWhileUnsettled() {
        World w = converged();
        w.local.remove(TOOLS);
        w.local.put(OLD, "sha256:someone-elses");
        assertThat(track(w)).as("removed by hand, or no longer hostlet's image: forgotten").isEmpty();

        World unsettled = converged();
        unsettled.images.clear();
        unsettled.heldFiles.add("broken.yaml");
        assertThat(track(unsettled)).extracting(PulledImage::unwantedSince).as("no new mark while a file is held")
                .containsExactly(NOW.minus(Duration.ofHours(2)), null);

        World unlisted = converged();
        unlisted.listed = false;
        unlisted.local.clear();
        assertThat(track(unlisted)).isEqualTo(unlisted.pulled);
    }

    @Test
    void gcOffPlansNoRemovals() {
        World w = converged();
        assertThat(Planner.plan(PlanInput.builder(w.desired(), w.observedState(), NOW, PlannerTest.ORIGIN)
                .backoffs(w.backoffs).build())
                .render()).isEmpty();
    }

}
