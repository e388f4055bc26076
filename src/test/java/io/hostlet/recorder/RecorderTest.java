package io.hostlet.recorder;

import io.hostlet.manifest.Specs;
import io.hostlet.desired.DesiredState;
import io.hostlet.engine.EngineException;
import io.hostlet.engine.EngineException.Kind;
import io.hostlet.execute.Outcome;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SourceRef;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.PullMode;
import io.hostlet.plan.PulledImage;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table tests of the recorder: a fresh book, one pass's outcomes per row, and the books expected afterwards as text
 * (each backoff with its cause, attempts and delay; restart counts; images to check again; the pulled-images record).
 */
class RecorderTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final String IMAGE = "reg:5000/web:1";

    @TempDir
    Path state;

    static ContainerManifest manifest(String name) {
        return new ContainerManifest(name, Map.of(), Specs.spec(IMAGE).build(), new SourceRef(name + ".yaml", 1));
    }

    static Step.CreateContainer create(String name) {
        return new Step.CreateContainer(new Step.NewContainer(manifest(name), "hash-" + name, Map.of(),
                PullMode.IF_MISSING, List.of(), List.of()), "not found");
    }

    static Outcome ok(Step s, Outcome.Pull... pulls) {
        return new Outcome(s, null, List.of(pulls));
    }

    static Outcome failed(Step s, Kind kind, String message) {
        return new Outcome(s, new EngineException(kind, message, null), List.of());
    }

    /** The recorder under test and what it touched. */
    final class Books {
        final BackoffBook book = new BackoffBook();
        final PulledImages pulled = new PulledImages(state, "test");
        final List<String> rechecked = new ArrayList<>();
        final Recorder recorder = new Recorder(book, pulled, Clock.fixed(NOW, ZoneOffset.UTC), true, Duration.ofHours(1),
                rechecked::add);

        /** Every backoff, restart count, re-checked image and pulled image, one per line, sorted. */
        String render() {
            List<String> lines = new ArrayList<>();
            book.view().keySet().stream().sorted(Comparator.comparing(Target::toString)).forEach(t -> {
                BackoffBook.Entry e = book.entry(t);
                lines.add("backoff " + t + " " + e.cause() + " x" + e.attempts() + " "
                        + Duration.between(NOW, e.notBefore()).toSeconds() + "s hash=" + e.hash()
                        + (e.message() == null ? "" : " (" + e.message() + ")"));
            });
            for (String name : List.of("web", "db")) {
                if (book.restarts(Target.container(name)) > 0) {
                    lines.add("restarts container:" + name + " " + book.restarts(Target.container(name)));
                }
            }
            rechecked.stream().sorted().forEach(i -> lines.add("recheck " + i));
            pulled.list().forEach(p -> lines.add("pulled " + p.reference() + " " + p.imageId()
                    + (p.unwantedSince() == null ? "" : " unwanted since " + p.unwantedSince())));
            return lines.stream().collect(Collectors.joining("\n"));
        }
    }

    static Arguments row(String name, Consumer<Books> given, List<Outcome> outcomes, String expected) {
        return Arguments.of(name, given, outcomes, expected);
    }

    static Stream<Arguments> rows() {
        Consumer<Books> nothing = b -> { };
        Step.StartContainer restart = new Step.StartContainer("id-web", "web", "hash-web", true, "exited with code 1");
        Step.RemoveImage removal = new Step.RemoveImage(IMAGE, "sha256:old", "unused");
        Consumer<Books> recordedOld = b -> {
            b.pulled.pulled(IMAGE, null, "sha256:old", NOW.minusSeconds(7200));
            b.pulled.replace(b.pulled.list().stream().map(p -> p.unwantedSince(NOW.minusSeconds(3600))).toList());
        };
        return Stream.of(
                row("nothing ran, nothing booked", nothing, List.of(), ""),
                row("a failed create backs off the container, for its spec", nothing,
                        List.of(failed(create("web"), Kind.FAILED, "boom")),
                        "backoff container:web FAILURE x1 10s hash=hash-web (boom)"),
                row("a name taken by someone else is a conflict", nothing,
                        List.of(failed(create("web"), Kind.CONFLICT, "taken")),
                        "backoff container:web CONFLICT x1 10s hash=hash-web (taken)"),
                row("a create failing on its image backs off the container and the image", nothing,
                        List.of(failed(create("web"), Kind.PULL_FAILED, "manifest unknown")),
                        "backoff container:web IMAGE x1 10s hash=hash-web (manifest unknown)\n"
                                + "backoff image:reg:5000/web:1 IMAGE x1 10s hash=reg:5000/web:1 (manifest unknown)"),
                row("two creates failing on one image are one image failure", nothing,
                        List.of(failed(create("web"), Kind.IMAGE_MISSING, "missing"),
                                failed(create("db"), Kind.IMAGE_MISSING, "missing")),
                        "backoff container:db IMAGE x1 10s hash=hash-db (missing)\n"
                                + "backoff container:web IMAGE x1 10s hash=hash-web (missing)\n"
                                + "backoff image:reg:5000/web:1 IMAGE x1 10s hash=reg:5000/web:1 (missing)"),
                row("a second failure of the same spec waits twice as long",
                        b -> b.book.failed(Target.container("web"), "hash-web", Kind.FAILED, "boom", NOW),
                        List.of(failed(create("web"), Kind.FAILED, "boom")),
                        "backoff container:web FAILURE x2 20s hash=hash-web (boom)"),
                row("a successful create clears the container's and the image's backoff, and re-checks the image",
                        b -> {
                            b.book.failed(Target.container("web"), "hash-web", Kind.PULL_FAILED, "x", NOW);
                            b.book.failed(Target.image(IMAGE), IMAGE, Kind.PULL_FAILED, "x", NOW);
                        },
                        List.of(ok(create("web"))),
                        "recheck reg:5000/web:1"),
                row("a new container starts with a clean restart count",
                        b -> b.book.restarted(Target.container("web"), "hash-old", NOW.minusSeconds(60)),
                        List.of(ok(create("web"))),
                        "recheck reg:5000/web:1"),
                row("a restart after a crash counts and backs off the next", nothing,
                        List.of(ok(restart)),
                        "backoff container:web RESTART x1 10s hash=hash-web\nrestarts container:web 1"),
                row("a restart for health counts like one after a crash", nothing,
                        List.of(ok(new Step.RestartContainer("id-web", "web", Duration.ofSeconds(3), "hash-web",
                                "unhealthy, restartOnUnhealthy"))),
                        "backoff container:web RESTART x1 10s hash=hash-web\nrestarts container:web 1"),
                row("a plain start counts no restart", nothing,
                        List.of(ok(new Step.StartContainer("id-web", "web", "hash-web", false, "created but not started"))),
                        ""),
                row("an unreachable engine books no backoff: the engine, not the step, failed", nothing,
                        List.of(failed(create("web"), Kind.UNREACHABLE, "connection refused")),
                        ""),
                row("a failed pull backs off the image and re-checks nothing", nothing,
                        List.of(failed(new Step.PullImage(IMAGE, null, "not present"), Kind.PULL_FAILED, "denied")),
                        "backoff image:reg:5000/web:1 IMAGE x1 10s hash=reg:5000/web:1 (denied)"),
                row("a pull that brought an image is recorded and re-checked", nothing,
                        List.of(ok(new Step.PullImage(IMAGE, null, "not present"),
                                new Outcome.Pull(IMAGE, null, "sha256:new"))),
                        "recheck reg:5000/web:1\npulled reg:5000/web:1 sha256:new"),
                row("a pull that changed nothing is not hostlet's", nothing,
                        List.of(ok(new Step.PullImage(IMAGE, null, "digest moved"),
                                new Outcome.Pull(IMAGE, "sha256:same", "sha256:same"))),
                        "recheck reg:5000/web:1"),
                row("the pull a failed create made is recorded all the same", nothing,
                        List.of(new Outcome(create("web"), new EngineException(Kind.FAILED, "no start", null),
                                List.of(new Outcome.Pull(IMAGE, null, "sha256:new")))),
                        "backoff container:web FAILURE x1 10s hash=hash-web (no start)\npulled reg:5000/web:1 sha256:new"),
                row("a removed image is forgotten", recordedOld,
                        List.of(ok(removal)),
                        ""),
                row("a refused removal restarts the image's grace and backs off nothing", recordedOld,
                        List.of(failed(removal, Kind.CONFLICT, "in use")),
                        "pulled reg:5000/web:1 sha256:old unwanted since " + NOW),
                row("a removal failing otherwise backs off for that image id", recordedOld,
                        List.of(failed(removal, Kind.FAILED, "engine error")),
                        "backoff image:reg:5000/web:1 FAILURE x1 10s hash=sha256:old (engine error)\n"
                                + "pulled reg:5000/web:1 sha256:old unwanted since " + NOW.minusSeconds(3600)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void booksEachOutcome(String name, Consumer<Books> given, List<Outcome> outcomes, String expected) {
        Books b = new Books();
        given.accept(b);
        b.recorder.record(outcomes);
        assertThat(b.render()).isEqualTo(expected);
    }

    @Test
    void forgetsTargetsNeitherWantedNorSeenButKeepsPulledImages() {
        Books b = new Books();
        b.pulled.pulled("reg:5000/kept:1", null, "sha256:k", NOW);
        b.book.failed(Target.container("gone"), "h", Kind.FAILED, "x", NOW);
        b.book.failed(Target.network("gone"), "", Kind.FAILED, "x", NOW);
        b.book.failed(Target.image("reg:5000/gone:1"), "reg:5000/gone:1", Kind.PULL_FAILED, "x", NOW);
        b.book.failed(Target.image("reg:5000/kept:1"), "reg:5000/kept:1", Kind.PULL_FAILED, "x", NOW);
        b.book.failed(Target.container("web"), "hash-web", Kind.FAILED, "x", NOW);
        DesiredState desired = new DesiredState(Map.of("web", manifest("web")), java.util.Set.of(), java.util.Set.of(),
                List.of(), true, null);

        b.recorder.forgetVanished(desired, ObservedState.listed(List.of(), Map.of()));

        assertThat(b.book.view().keySet()).containsExactlyInAnyOrder(Target.container("web"),
                Target.image("reg:5000/kept:1"));
    }

    @Test
    void garbageCollectionOffLeavesThePlannerWithoutIt() {
        Books b = new Books();
        Recorder off = new Recorder(b.book, b.pulled, Clock.fixed(NOW, ZoneOffset.UTC), false, Duration.ofHours(1),
                i -> { });
        b.pulled.pulled(IMAGE, null, "sha256:new", NOW);

        assertThat(off.imageGc().prune()).isFalse();
        assertThat(b.recorder.imageGc().pulled()).containsExactly(new PulledImage(IMAGE, "sha256:new", NOW, null));
    }
}
