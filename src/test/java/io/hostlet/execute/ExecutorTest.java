package io.hostlet.execute;

import io.hostlet.manifest.Specs;
import io.hostlet.engine.EngineException;
import io.hostlet.engine.FakeEngine;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SourceRef;
import io.hostlet.plan.Plan;
import io.hostlet.plan.PullMode;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor follows the plan's data: phases in order, a step whose needed target failed is failed without acting,
 * labels and pull mode as the step says.
 */
class ExecutorTest {

    final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Records every call; network {@code broken} cannot be created; images are present unless pulled is asked. */
    static final class CallEngine extends FakeEngine {
        final Map<String, Map<String, String>> seenLabels = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public synchronized String createNetwork(String name, Map<String, String> labels) {
            calls.add("create network " + name);
            if (name.equals("broken")) {
                throw new EngineException(EngineException.Kind.FAILED, "address pool exhausted", null);
            }
            return "net-" + name;
        }

        @Override
        public synchronized String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                                   List<io.hostlet.observed.AnonymousVolume> carried) {
            calls.add("create " + name);
            seenLabels.put(m.name(), labels);
            return "id-" + m.name();
        }

        @Override
        public synchronized void startContainer(String id) {
            calls.add("start " + id);
        }

        @Override
        public synchronized io.hostlet.observed.LocalImage localImage(String image) {
            calls.add("inspect image " + image);
            return null;
        }

        @Override
        public synchronized void pullImage(String image) {
            calls.add("pull " + image);
        }
    }

    static Step.CreateContainer create(String name, PullMode pull, String... networks) {
        ContainerManifest m = new ContainerManifest(name, Map.of(), Specs.spec("busybox:1").build(),
                new SourceRef(name + ".yaml", 1));
        return new Step.CreateContainer(new Step.NewContainer(m, "h", Map.of("io.hostlet.name", name), pull,
                java.util.Arrays.stream(networks).map(Target::network).toList(), List.of()), "not found");
    }

    @Test
    void aStepWhoseNeededNetworkFailedIsFailedWithoutTouchingTheEngine() throws Exception {
        CallEngine engine = new CallEngine();
        Plan plan = Plan.of(
                new Plan.Phase(Plan.Kind.CREATE_NETWORKS, List.of(
                        new Step.CreateNetwork("broken", Map.of(), "not found"),
                        new Step.CreateNetwork("fine", Map.of(), "not found"))),
                new Plan.Phase(Plan.Kind.CONTAINERS, List.of(
                        create("web", PullMode.IF_MISSING, "broken"),
                        create("db", PullMode.IF_MISSING, "fine"))));

        List<Outcome> outcomes = new Executor(engine, pool, pool, 1).run(plan);

        assertThat(outcomes).extracting(o -> o.step().target() + " " + (o.ok() ? "ok" : o.error().getMessage()))
                .containsExactly("network:broken address pool exhausted", "network:fine ok",
                        "container:web needs network:broken, which failed: address pool exhausted",
                        "container:db ok");
        assertThat(engine.calls).doesNotContain("create web").contains("create db", "start id-db");
    }

    @Test
    void aCreateUsesTheStepsLabelsAndPullsFirstOnlyWhenTheStepSaysSo() throws Exception {
        CallEngine engine = new CallEngine();
        Plan plan = Plan.of(new Plan.Phase(Plan.Kind.CONTAINERS, List.of(
                create("web", PullMode.FIRST), create("db", PullMode.IF_MISSING))));

        List<Outcome> outcomes = new Executor(engine, pool, pool, 1).run(plan);

        assertThat(outcomes).allMatch(Outcome::ok);
        assertThat(engine.calls.stream().filter(c -> c.startsWith("pull"))).containsExactly("pull busybox:1");
        assertThat(engine.seenLabels).containsEntry("web", Map.of("io.hostlet.name", "web"))
                .containsEntry("db", Map.of("io.hostlet.name", "db"));
        assertThat(outcomes.get(0).pulls()).containsExactly(new Outcome.Pull("busybox:1", null, null));
    }

    @Test
    void phasesRunInTheirOrderAndWaitsAreNotRun() throws Exception {
        CallEngine engine = new CallEngine();
        Plan plan = Plan.of(
                new Plan.Phase(Plan.Kind.CREATE_NETWORKS, List.of(new Step.CreateNetwork("app", Map.of(), "not found"))),
                new Plan.Phase(Plan.Kind.CONTAINERS, List.of(create("web", PullMode.IF_MISSING, "app"),
                        new Step.Wait(Target.container("db"), Step.Wait.Reason.DEPENDENCY, null, "waiting for web"))));

        List<Outcome> outcomes = new Executor(engine, pool, pool, 1).run(plan);

        assertThat(outcomes).hasSize(2);
        assertThat(engine.calls).containsExactly("create network app", "create web", "start id-web");
    }

    /** Records container calls in order; {@code createFails} / {@code startFails} make those calls fail. */
    static final class SwapEngine extends FakeEngine {
        String createFails;
        String startFails;
        String renameFails;   // "id newName": that rename fails

        @Override
        public synchronized String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                                   List<io.hostlet.observed.AnonymousVolume> carried) {
            calls.add("create " + name + " volumes " + carried.stream().map(v -> v.name()).toList());
            if (createFails != null) {
                throw new EngineException(EngineException.Kind.IMAGE_MISSING, createFails, null);
            }
            return "id-new";
        }

        @Override
        public synchronized io.hostlet.observed.LocalImage localImage(String image) {
            return null;
        }

        @Override
        public synchronized void pullImage(String image) {
            calls.add("pull " + image);
            throw new EngineException(EngineException.Kind.PULL_FAILED, "manifest for " + image + " not found", null);
        }

        @Override
        public synchronized void startContainer(String id) {
            calls.add("start " + id);
            if (id.equals(startFails)) {
                throw new EngineException(EngineException.Kind.FAILED, "port is already allocated", null);
            }
        }

        @Override
        public synchronized void stopContainer(String id, java.time.Duration grace) {
            calls.add("stop " + id + " " + grace.toSeconds() + "s");
        }

        @Override
        public synchronized void removeContainer(String id) {
            calls.add("remove " + id);
        }

        @Override
        public synchronized void renameContainer(String id, String newName) {
            calls.add("rename " + id + " " + newName);
            if ((id + " " + newName).equals(renameFails)) {
                throw new EngineException(EngineException.Kind.RESTARTING, "sandbox 0a1b not found", null);
            }
        }

        @Override
        public synchronized void rejoinNetwork(String id, String network, List<String> aliases) {
            calls.add("rejoin " + id + " " + network + " " + aliases);
        }
    }

    static Step.RecreateContainer recreate() {
        ContainerManifest m = new ContainerManifest("web", Map.of(), Specs.spec("busybox:1").build(),
                new SourceRef("web.yaml", 1));
        return new Step.RecreateContainer("id-old", java.time.Duration.ofSeconds(7), new Step.NewContainer(m, "h",
                Map.of("io.hostlet.name", "web"), PullMode.IF_MISSING, List.of(),
                List.of(new io.hostlet.observed.AnonymousVolume("vol1", "/data"))), "web.next-0123abcd", "spec changed: env X");
    }

    private List<Outcome> run(FakeEngine engine, Step s) throws InterruptedException {
        return new Executor(engine, pool, pool, 1).run(Plan.of(new Plan.Phase(Plan.Kind.CONTAINERS, List.of(s))));
    }

    @Test
    void aRecreateCreatesTheReplacementBeforeTouchingTheOldThenSwapsAndRenames() throws Exception {
        SwapEngine engine = new SwapEngine();

        List<Outcome> outcomes = run(engine, recreate());

        assertThat(outcomes).allMatch(Outcome::ok);
        // The name serves the new container before the old one's removal, which comes last.
        String retired = io.hostlet.observed.Ownership.retiredName("web", "id-old", "web.next-0123abcd");
        assertThat(engine.calls).containsExactly("create web.next-0123abcd volumes [vol1]", "stop id-old 7s",
                "start id-new", "rename id-old " + retired, "rename id-new web", "remove id-old");
    }

    @Test
    void aReplacementThatCannotBeCreatedLeavesTheOldUntouched() throws Exception {
        SwapEngine engine = new SwapEngine();
        engine.createFails = "image busybox:1 is not present";

        List<Outcome> outcomes = run(engine, recreate());

        assertThat(outcomes.get(0).ok()).isFalse();
        assertThat(outcomes.get(0).error().getMessage()).contains("manifest for busybox:1 not found");
        // the old is never stopped or removed: only the create, the pull it asked for, nothing else
        assertThat(engine.calls).containsExactly("create web.next-0123abcd volumes [vol1]", "pull busybox:1");
    }

    @Test
    void aReplacementThatCannotStartIsRemovedAndTheOldStartedAgain() throws Exception {
        SwapEngine engine = new SwapEngine();
        engine.startFails = "id-new";

        List<Outcome> outcomes = run(engine, recreate());

        assertThat(outcomes.get(0).ok()).isFalse();
        assertThat(outcomes.get(0).error().getMessage()).contains("web.next-0123abcd", "port is already allocated",
                "the old container runs again");
        assertThat(engine.calls).containsExactly("create web.next-0123abcd volumes [vol1]", "stop id-old 7s",
                "start id-new", "remove id-new", "start id-old");
    }

    @Test
    void aReplacementThatCannotTakeTheNameIsRemovedAndTheOldGetsItsNameBackAndRuns() throws Exception {
        // Docker 26 refuses to rename a container it is restarting (a new container that crashed at once).
        SwapEngine engine = new SwapEngine();
        engine.renameFails = "id-new web";

        List<Outcome> outcomes = run(engine, recreate());

        assertThat(outcomes.get(0).ok()).isFalse();
        assertThat(outcomes.get(0).error().kind()).as("the update failed, so it is rolled back")
                .isEqualTo(EngineException.Kind.FAILED);
        assertThat(outcomes.get(0).error().getMessage()).contains("web.next-0123abcd",
                "stopped right after its start, so it could not take the name", "sandbox 0a1b not found", "the old container runs again");
        String retired = io.hostlet.observed.Ownership.retiredName("web", "id-old", "web.next-0123abcd");
        assertThat(engine.calls).containsExactly("create web.next-0123abcd volumes [vol1]", "stop id-old 7s",
                "start id-new", "rename id-old " + retired, "rename id-new web", "remove id-new", "rename id-old web",
                "start id-old");
    }

    @Test
    void aResumedSwapAndAnAdoptionRunTheirFixedSequences() throws Exception {
        SwapEngine engine = new SwapEngine();
        run(engine, new Step.ResumeReplacement("id-old", java.time.Duration.ofSeconds(2), "id-new", "web",
                "web.next-0123abcd", "h", "busybox:1", "interrupted"));
        run(engine, new Step.AdoptReplacement("id-new", "web", "web.next-0123abcd", true, "h", "left alone"));

        String retired = io.hostlet.observed.Ownership.retiredName("web", "id-old", "web.next-0123abcd");
        assertThat(engine.calls).containsExactly("stop id-old 2s", "start id-new", "rename id-old " + retired,
                "rename id-new web", "remove id-old", "rename id-new web", "start id-new");
    }

    @Test
    void aResumedSwapWhoseNewCannotStartStartsTheOldAgain() throws Exception {
        SwapEngine engine = new SwapEngine();
        engine.startFails = "id-new";

        List<Outcome> outcomes = run(engine, new Step.ResumeReplacement("id-old", java.time.Duration.ofSeconds(2),
                "id-new", "web", "web.next-0123abcd", "h", "busybox:1", "interrupted"));

        assertThat(outcomes.get(0).ok()).isFalse();
        assertThat(engine.calls).containsExactly("stop id-old 2s", "start id-new", "remove id-new", "start id-old");
    }

    @Test
    void aGatedRecreateKeepsTheOldStoppedUnderItsRetiredName() throws Exception {
        SwapEngine engine = new SwapEngine();
        Step.RecreateContainer r = recreate();
        Step.RecreateContainer gated = new Step.RecreateContainer(r.oldId(), r.oldGrace(), r.container(),
                r.replacementName(), r.cause(), "h-old", r.changed());

        assertThat(run(engine, gated)).allMatch(Outcome::ok);
        assertThat(engine.calls).containsExactly("create web.next-0123abcd volumes [vol1]", "stop id-old 7s",
                "start id-new", "rename id-old " + gated.retiredName(), "rename id-new web");
    }

    @Test
    void startBesideCreatesAndStartsTheNewOneWithoutTouchingTheOld() throws Exception {
        SwapEngine engine = new SwapEngine();
        Step.RecreateContainer r = recreate();

        assertThat(run(engine, new Step.StartBeside(r.container(), "web.next-0123abcd", "id-old", "h-old", "StartFirst")))
                .allMatch(Outcome::ok);
        assertThat(engine.calls).containsExactly("create web.next-0123abcd volumes [vol1]", "start id-new");
    }

    @Test
    void finishingAStartFirstUpdateRenamesBeforeItStopsTheOld() throws Exception {
        SwapEngine engine = new SwapEngine();

        run(engine, new Step.FinishUpdate("web", "h", "id-new", "web.next-0123abcd", "id-old",
                java.time.Duration.ofSeconds(4), "web.next-99999999", "passed", List.of("app"), List.of("app", "db"),
                java.time.Duration.ZERO));

        assertThat(engine.calls).containsExactly("rejoin id-new app [web]", "rename id-old web.next-99999999",
                "rename id-new web",
                // out of the name's DNS with its address kept, before its stop refuses connections
                "rejoin id-old app []", "rejoin id-old db []",
                "stop id-old 4s", "remove id-old");
    }

    @Test
    void aRollBackRemovesTheNewThenGivesTheOldItsNameBackAndStartsIt() throws Exception {
        SwapEngine engine = new SwapEngine();

        run(engine, new Step.RollBack("web", "h", "exited", null, "id-new", java.time.Duration.ofSeconds(1), "id-old",
                "web.next-99999999", true, "failed"));
        run(engine, new Step.RollBack("web", "h", "exited", null, "id-new2", java.time.Duration.ofSeconds(1), "id-old",
                null, false, "StartFirst: the old one kept its name and runs"));

        assertThat(engine.calls).containsExactly("stop id-new 1s", "remove id-new", "rename id-old web", "start id-old",
                "stop id-new2 1s", "remove id-new2");
    }
}
