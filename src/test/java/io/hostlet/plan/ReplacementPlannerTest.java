package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SpecHash;
import io.hostlet.observed.Containers;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedContainer.State;
import io.hostlet.observed.Ownership;
import io.hostlet.plan.PlannerTest.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.hostlet.plan.PlannerTest.converged;
import static io.hostlet.plan.PlannerTest.manifest;
import static io.hostlet.plan.PlannerTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Safe replacement (issue 10, case 7) as the planner sees it. A recreate makes {@code web.next-<hash8>} before the old
 * {@code web} is touched, then stops the old, starts the new, renames the old out of the way (to a replacement name of
 * its own), renames the new to {@code web} and removes the old. hostlet can be
 * killed between any two of those calls; each row is the engine as such a crash leaves it (or as a changed manifest
 * meets it), with the plan expected as rendered text. Whatever the row, planning and carrying out the plans again
 * ends with exactly one container for the name, under the name, of the desired spec, running: never two, never none.
 */
class ReplacementPlannerTest {

    /** The changed manifest of {@code web}: the converged world still runs {@code busybox:1}. */
    static final ContainerManifest WEB2 = manifest("web", "busybox:2", "web.yaml", "app");
    /** A third spec: the manifest changed again after a replacement for {@link #WEB2} was made. */
    static final ContainerManifest WEB3 = manifest("web", "busybox:3", "web.yaml", "app");

    static String nextName(ContainerManifest m) {
        return Ownership.replacementName(m.name(), SpecHash.of(m).substring(0, 8));
    }

    /** A replacement hostlet made for {@code m}, in {@code state}. */
    static ObservedContainer replacement(ContainerManifest m, String id, State state) {
        return Containers.from(running(m, id)).name(nextName(m)).state(state)
                .exitCode(state == State.EXITED ? 137 : null).created(PlannerTest.NOW.minusSeconds(5)).build();
    }

    /** The converged world with web's manifest changed to {@link #WEB2}. */
    static World changed() {
        World w = converged();
        w.desired.put("web", WEB2);
        return w;
    }

    static World webIs(World w, State state) {
        return w.replaceObserved("web", c -> c.name().equals("web")
                ? Containers.from(c).state(state).exitCode(state == State.EXITED ? 137 : null).build() : c);
    }

    /** The name the swap gives the old {@code web} (id {@code id-web}) before it takes the name for the new one. */
    static String retired(String replacementName) {
        return Ownership.retiredName("web", "id-web", replacementName);
    }

    /** The old {@code web} renamed out of the way, as the swap does just before the new one takes the name. */
    static World retireOldWeb(World w, String replacementName) {
        return w.replaceObserved("web", c -> c.name().equals("web")
                ? Containers.from(c).name(retired(replacementName)).build() : c);
    }

    static World withoutOldWeb(World w) {
        w.observed.removeIf(c -> c.name().equals("web"));
        return w;
    }

    static Arguments row(String name, UnaryOperator<World> world, String expected) {
        return Arguments.of(name, world, expected);
    }

    static Stream<Arguments> rows() {
        String n2 = nextName(WEB2);
        String n3 = nextName(WEB3);
        return Stream.of(
                row("a changed spec recreates through a replacement", w -> w,
                        "#1 container:web, RecreateContainer, spec changed: image\n"),
                row("(a) crash after the create: the old still serves, the replacement is made afresh", w -> {
                    w.observed.add(replacement(WEB2, "id-next", State.CREATED));
                    return w;
                }, "#1 container:web, RemoveContainer, unfinished replacement " + n2 + " (never started): made afresh\n"
                        + "#2 container:web, RecreateContainer, spec changed: image\n"),
                row("(b) crash after stopping the old: the swap goes on", w -> {
                    webIs(w, State.EXITED);
                    w.observed.add(replacement(WEB2, "id-next", State.CREATED));
                    return w;
                }, "#1 container:web, ResumeReplacement, replacement " + n2 + " interrupted mid-swap: finished\n"),
                row("(b) crash after starting the new: the swap goes on", w -> {
                    webIs(w, State.EXITED);
                    w.observed.add(replacement(WEB2, "id-next", State.RUNNING));
                    return w;
                }, "#1 container:web, ResumeReplacement, replacement " + n2 + " interrupted mid-swap: finished\n"),
                row("(b) both running (the engine restarted both): the swap goes on", w -> {
                    w.observed.add(replacement(WEB2, "id-next", State.RUNNING));
                    return w;
                }, "#1 container:web, ResumeReplacement, replacement " + n2 + " interrupted mid-swap: finished\n"),
                row("(c) crash after removing the old: the running replacement takes the name", w -> {
                    withoutOldWeb(w);
                    w.observed.add(replacement(WEB2, "id-next", State.RUNNING));
                    return w;
                }, "#1 container:web, AdoptReplacement, replacement " + n2
                        + " left without its old container: takes the name\n"),
                row("(c) a never-started replacement alone takes the name and is started", w -> {
                    withoutOldWeb(w);
                    w.observed.add(replacement(WEB2, "id-next", State.CREATED));
                    return w;
                }, "#1 container:web, AdoptReplacement, replacement " + n2
                        + " left without its old container: takes the name\n"),
                row("(d) a replacement for another spec beside the old is removed; the recreate goes on", w -> {
                    w.desired.put("web", WEB3);
                    w.observed.add(replacement(WEB2, "id-next", State.CREATED));
                    return w;
                }, "#1 container:web, RemoveContainer, leftover replacement " + n2 + " for another spec\n"
                        + "#2 container:web, RecreateContainer, spec changed: image\n"),
                row("(d) a lone replacement for another spec takes the name, and is then replaced", w -> {
                    w.desired.put("web", WEB3);
                    withoutOldWeb(w);
                    w.observed.add(replacement(WEB2, "id-next", State.RUNNING));
                    return w;
                }, "#1 container:web, AdoptReplacement, replacement " + n2
                        + " left without its old container: takes the name (made for another spec; replaced next)\n"),
                row("(d) two leftovers and no old: the one for this spec stays, the other goes", w -> {
                    w.desired.put("web", WEB3);
                    withoutOldWeb(w);
                    w.observed.add(replacement(WEB2, "id-next2", State.RUNNING));
                    w.observed.add(replacement(WEB3, "id-next3", State.CREATED));
                    return w;
                }, "#1 container:web, RemoveContainer, leftover replacement " + n2 + " for another spec\n"
                        + "#2 container:web, AdoptReplacement, replacement " + n3
                        + " left without its old container: takes the name\n"),
                row("(e) crash after renaming the old out of the way: the new takes the name, the old goes", w -> {
                    retireOldWeb(webIs(w, State.EXITED), n2);
                    w.observed.add(replacement(WEB2, "id-next", State.RUNNING));
                    return w;
                }, "#1 container:web, RemoveContainer, leftover replacement " + retired(n2) + " for another spec\n"
                        + "#2 container:web, AdoptReplacement, replacement " + n2
                        + " left without its old container: takes the name\n"),
                row("(e) crash after the new took the name, before the old's removal: the old goes", w -> {
                    retireOldWeb(webIs(w, State.EXITED), n2);
                    w.observed.add(Containers.from(replacement(WEB2, "id-next", State.RUNNING)).name("web").build());
                    return w;
                }, "#1 container:web, RemoveContainer, leftover replacement " + retired(n2) + " for another spec\n"),
                row("a replacement beside an old that already has the spec is a duplicate", w -> {
                    w.desired.put("web", converged().desired.get("web"));
                    w.observed.add(replacement(w.desired.get("web"), "id-next", State.CREATED));
                    return w;
                }, "#1 container:web, RemoveContainer, duplicate of id-web\n"),
                row("manifest removed mid-replacement: both go", w -> {
                    w.desired.remove("web");
                    w.observed.add(replacement(WEB2, "id-next", State.CREATED));
                    return w;
                }, "#1 container:web, RemoveContainer, manifest removed\n"
                        + "#2 container:web, RemoveContainer, manifest removed\n"),
                row("a backing-off recreate waits, and the old keeps running", w -> {
                    w.backoffs.put(Target.container("web"), new Backoff(SpecHash.of(WEB2), PlannerTest.NOW.plusSeconds(20),
                            "the replacement could not take over"));
                    return w;
                }, "#1 container:web, Wait, the replacement could not take over\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plansTheRecoveryForEachState(String name, UnaryOperator<World> world, String expected) {
        assertThat(world.apply(changed()).plan().render()).isEqualTo(expected);
    }

    /** Never two, never none: carried out, the plans end with one container for the name, as desired, running. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void endsWithExactlyOneContainerUnderTheName(String name, UnaryOperator<World> world, String expected) {
        World w = world.apply(changed());
        if (!w.backoffs.isEmpty()) {
            return; // a backoff holds the world as it is: nothing is carried out
        }
        converge(w);
        ContainerManifest m = w.desired.get("web");
        List<ObservedContainer> web = w.observed.stream().filter(c -> "web".equals(c.managedName())).toList();
        if (m == null) {
            assertThat(web).isEmpty();
            return;
        }
        assertThat(web).as("containers for web").hasSize(1);
        assertThat(web.get(0).name()).isEqualTo("web");
        assertThat(web.get(0).specHash()).isEqualTo(SpecHash.of(m));
        assertThat(web.get(0).state()).isEqualTo(State.RUNNING);
        assertThat(w.observed.stream().filter(c -> "db".equals(c.managedName()))).as("db untouched")
                .extracting(ObservedContainer::id).containsExactly("id-db");
    }

    /**
     * The engine as each call of a recreate leaves it, i.e. every point where hostlet may be killed mid-step, and the
     * undo's states: each converges to one {@code web} of the new spec.
     */
    @Test
    void everyCrashPointOfARecreateConverges() {
        List<UnaryOperator<World>> crashPoints = List.of(
                w -> w, // before anything
                w -> add(w, replacement(WEB2, "id-next", State.CREATED)), // after create
                w -> add(webIs(w, State.EXITED), replacement(WEB2, "id-next", State.CREATED)), // after stop old
                w -> add(webIs(w, State.EXITED), replacement(WEB2, "id-next", State.RUNNING)), // after start new
                w -> add(withoutOldWeb(w), replacement(WEB2, "id-next", State.RUNNING)), // after remove old
                w -> webIs(w, State.EXITED)); // undo: new removed, old not yet started again
        for (UnaryOperator<World> point : crashPoints) {
            World w = point.apply(changed());
            converge(w);
            assertThat(w.observed.stream().filter(c -> "web".equals(c.managedName())))
                    .extracting(c -> c.name() + " " + c.specHash() + " " + c.state())
                    .containsExactly("web " + SpecHash.of(WEB2) + " RUNNING");
        }
    }

    /** The executor decides nothing: the recreate carries the old id and grace and the replacement's name. */
    @Test
    void theRecreateCarriesTheOldContainerAndTheReplacementName() {
        Step.RecreateContainer r = (Step.RecreateContainer) changed().plan().phases().get(2).steps().get(0);
        assertThat(r.oldId()).isEqualTo("id-web");
        assertThat(r.oldGrace()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(r.replacementName()).isEqualTo("web." + "next-" + SpecHash.of(WEB2).substring(0, 8));
        assertThat(r.container().specHash()).isEqualTo(SpecHash.of(WEB2));
    }

    @Test
    void aResumeAndAnAdoptCarryTheirIds() {
        World b = webIs(changed(), State.EXITED);
        b.observed.add(replacement(WEB2, "id-next", State.CREATED));
        Step.ResumeReplacement rr = (Step.ResumeReplacement) b.plan().phases().get(2).steps().get(0);
        assertThat(List.of(rr.oldId(), rr.newId(), rr.name(), rr.replacementName()))
                .containsExactly("id-web", "id-next", "web", nextName(WEB2));

        World c = withoutOldWeb(changed());
        c.observed.add(replacement(WEB2, "id-next", State.CREATED));
        Step.AdoptReplacement a = (Step.AdoptReplacement) c.plan().phases().get(2).steps().get(0);
        assertThat(a.id()).isEqualTo("id-next");
        assertThat(a.start()).as("never started: started with the rename").isTrue();
    }

    private static World add(World w, ObservedContainer c) {
        w.observed.add(c);
        return w;
    }

    /** Plans and carries out the plans (as the engine would show them) until nothing is left to do. */
    private static void converge(World w) {
        HashMap<String, io.hostlet.observed.ImageCheck> checks = new HashMap<>();
        for (int round = 0; round < 6; round++) {
            Plan p = w.plan();
            if (!p.hasActions()) {
                return;
            }
            PlanProperties.apply(w, checks, p);
        }
        throw new AssertionError("no convergence; last plan:\n" + w.plan().render());
    }
}
