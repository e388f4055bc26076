package io.hostlet.plan;

import io.hostlet.manifest.Specs;
import io.hostlet.observed.ImageCheck;
import io.hostlet.observed.ObservedState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.PullPolicy;
import io.hostlet.plan.PlannerTest.World;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.plan.PlannerTest.NOW;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table tests of image decisions: {@code web} uses {@code reg:5000/web:1} with pull policy Always and runs image
 * {@code sha256:old}; {@code db} uses a local image with IfNotPresent. The registry check says whether the
 * registry's digest is the local image's.
 */
class ImagePlannerTest {

    static final String WEB_IMAGE = "reg:5000/web:1";
    static final String NEW_DIGEST = "sha256:2222222222222222222222222222";

    static ContainerManifest withPolicy(ContainerManifest m, PullPolicy p) {
        return Specs.with(m, s -> s.imagePullPolicy(p));
    }

    /** The world plus the image checks the planner sees. */
    static final class ImageWorld {
        final World w = new World();
        final Map<String, ImageCheck> checks = new HashMap<>();

        Plan plan() {
            io.hostlet.desired.DesiredState d = new io.hostlet.desired.DesiredState(w.desired, w.heldFiles, w.heldNames,
                    List.of(), true, null);
            return Planner.plan(PlanInput.builder(d, new ObservedState(w.observed, w.networks, checks, null), NOW,
                    PlannerTest.ORIGIN).backoffs(w.backoffs).build());
        }
    }

    static ImageWorld base() {
        ImageWorld iw = new ImageWorld();
        ContainerManifest web = withPolicy(manifest("web", WEB_IMAGE, "web.yaml"), PullPolicy.Always);
        ContainerManifest db = manifest("db", "busybox:1", "db.yaml");
        iw.w.desired.put("web", web);
        iw.w.desired.put("db", db);
        iw.w.observed.add(running(web, "id-web").withImageId("sha256:old"));
        iw.w.observed.add(running(db, "id-db").withImageId("sha256:local"));
        iw.checks.put(WEB_IMAGE, new ImageCheck(WEB_IMAGE, "sha256:1111", "sha256:old", true));
        return iw;
    }

    static Arguments row(String name, UnaryOperator<ImageWorld> mutation, String expected) {
        return Arguments.of(name, mutation, expected);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("the registry still serves the image the container runs: nothing", w -> w, ""),
                row("no check (registry unreachable or not yet asked): nothing", w -> {
                    w.checks.clear();
                    return w;
                }, ""),
                row("the registry's digest moved: the image is pulled, the container keeps running for now", w -> {
                    w.checks.put(WEB_IMAGE, new ImageCheck(WEB_IMAGE, NEW_DIGEST, "sha256:old", false));
                    return w;
                }, "#1 image:reg:5000/web:1, PullImage, the registry's digest moved to sha256:222222222222\n"),
                row("after the pull the container runs an old image: it is recreated", w -> {
                    w.checks.put(WEB_IMAGE, new ImageCheck(WEB_IMAGE, NEW_DIGEST, "sha256:new", true));
                    return w;
                }, "#1 container:web, RecreateContainer, image reg:5000/web:1 updated to sha256:222222222222\n"),
                row("an image absent locally is pulled before the container is created", w -> {
                    w.w.observed.removeIf(c -> c.managedName().equals("web"));
                    w.checks.put(WEB_IMAGE, new ImageCheck(WEB_IMAGE, NEW_DIGEST, null, false));
                    return w;
                }, "#1 image:reg:5000/web:1, PullImage, not present; the registry has sha256:222222222222\n"
                        + "#2 container:web, CreateContainer, not found\n"),
                row("IfNotPresent never follows the registry", w -> {
                    w.w.desired.put("web", withPolicy(w.w.desired.get("web"), PullPolicy.IfNotPresent));
                    w.checks.put(WEB_IMAGE, new ImageCheck(WEB_IMAGE, NEW_DIGEST, "sha256:new", true));
                    return w;
                }, ""),
                row("an image backing off holds its pull and the creates that need it", w -> {
                    w.w.observed.removeIf(c -> c.managedName().equals("web"));
                    w.checks.put(WEB_IMAGE, new ImageCheck(WEB_IMAGE, NEW_DIGEST, null, false));
                    w.w.backoffs.put(Target.image(WEB_IMAGE), new Backoff(WEB_IMAGE, NOW.plusSeconds(10),
                            "pull of reg:5000/web:1 failed: unauthorized"));
                    return w;
                }, "#1 image:reg:5000/web:1, Wait, pull of reg:5000/web:1 failed: unauthorized\n"
                        + "#2 container:web, Wait, pull of reg:5000/web:1 failed: unauthorized\n"),
                row("an image backing off does not touch running containers", w -> {
                    w.w.backoffs.put(Target.image(WEB_IMAGE), new Backoff(WEB_IMAGE, NOW.plusSeconds(10), "pull failed"));
                    return w;
                }, ""),
                row("an expired image backoff lets the create through", w -> {
                    w.w.observed.removeIf(c -> c.managedName().equals("web"));
                    w.w.backoffs.put(Target.image(WEB_IMAGE), new Backoff(WEB_IMAGE, NOW.minusSeconds(1), "pull failed"));
                    return w;
                }, "#1 container:web, CreateContainer, not found\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plansPullsAndRecreatesFromRegistryChecks(String name, UnaryOperator<ImageWorld> mutation, String expected) {
        assertThat(mutation.apply(base()).plan().render()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void planningIsIdempotentAndPure(String name, UnaryOperator<ImageWorld> mutation, String expected) {
        ImageWorld w = mutation.apply(base());
        PlanProperties.assertPureAndIdempotent(() -> List.of(PlanProperties.snapshot(w.w), Map.copyOf(w.checks)),
                w::plan, plan -> PlanProperties.apply(w.w, w.checks, plan));
    }
}
