package io.hostlet.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The architecture's boundaries, checked mechanically rather than by review. */
class BoundariesTest {

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.hostlet");
    }

    /** The engine adapter's two classes: DockerEngine, and LogFollows, the log follows' client of their own. */
    @Test
    void onlyTheDockerAdapterKnowsDockerJava() {
        noClasses().that().doNotHaveFullyQualifiedName("io.hostlet.engine.DockerEngine")
                .and().haveNameNotMatching("io\\.hostlet\\.engine\\.DockerEngine\\$.*")
                .and().doNotHaveFullyQualifiedName("io.hostlet.engine.LogFollows")
                .and().haveNameNotMatching("io\\.hostlet\\.engine\\.LogFollows\\$.*")
                .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
                .check(main);
    }

    @Test
    void thePlannerDoesNoIoAndKnowsNoFramework() {
        noClasses().that().resideInAPackage("io.hostlet.plan..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..",
                        "io.quarkus..", "jakarta..", "io.hostlet.reconcile..", "io.hostlet.api..", "io.hostlet.engine..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.hostlet.engine.Engine")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.hostlet.engine.DockerEngine")
                .check(main);
    }

    /** The planner may use only these: its inputs' models and the JDK's pure parts. Time comes in as an argument. */
    @Test
    void thePlannerImportsOnlyItsAllowlist() {
        classes().that().resideInAPackage("io.hostlet.plan..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.hostlet.plan..", "io.hostlet.desired",
                        "io.hostlet.observed..", "io.hostlet.manifest..", "java.lang..", "java.util..", "java.time..")
                .check(main);
        noClasses().that().resideInAPackage("io.hostlet.plan..")
                .should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .check(main);
    }

    /**
     * Time is an input: only the clock producer reads the system clock; everything else is given a {@code Clock}.
     * The command line runs without CDI, so its entry point ({@code app.Main}) is its composition root and reads it
     * for the commands.
     */
    @Test
    void onlyTheClockProducerReadsTheSystemClock() {
        noClasses().that().doNotHaveFullyQualifiedName("io.hostlet.app.ClockProducer")
                .and().doNotHaveFullyQualifiedName("io.hostlet.app.Main")
                .should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
                .orShould().callMethod(java.time.Clock.class, "system", java.time.ZoneId.class)
                .orShould().callMethod(java.time.LocalDateTime.class, "now")
                .orShould().callMethod(java.time.OffsetDateTime.class, "now")
                .orShould().callMethod(java.time.ZonedDateTime.class, "now")
                .check(main);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.hostlet.(**)").should().beFreeOfCycles().check(main);
    }

    /**
     * The pipeline's layers, top to bottom: nothing points back up. {@code app} is the composition root (producers),
     * which only the container framework calls.
     */
    @Test
    void noArrowRunsBackUpTheLayers() {
        allowOnly("io.hostlet.manifest..");
        allowOnly("io.hostlet.config..");
        allowOnly("io.hostlet.observed..", "io.hostlet.manifest..");
        // policy: pure rules over parsed manifests, applied where files are read, so a refused file is held like an
        // invalid one (desired) and validate checks the same (cli); it sits between manifest and desired.
        allowOnly("io.hostlet.policy..", "io.hostlet.manifest..");
        allowOnly("io.hostlet.desired", "io.hostlet.policy..", "io.hostlet.manifest..");
        allowOnly("io.hostlet.desired.git..", "io.hostlet.desired", "io.hostlet.policy..", "io.hostlet.manifest..",
                "io.hostlet.config..");
        allowOnly("io.hostlet.engine..", "io.hostlet.observed..", "io.hostlet.manifest..");
        allowOnly("io.hostlet.plan..", "io.hostlet.desired", "io.hostlet.observed..", "io.hostlet.manifest..");
        allowOnly("io.hostlet.observe..", "io.hostlet.engine..", "io.hostlet.desired", "io.hostlet.observed..",
                "io.hostlet.manifest..");
        // The executor only carries out steps: it writes no record (the recorder books its outcomes) and needs no
        // manifest logic (steps carry labels and pull mode), so it sees only the plan, the engine and the model.
        allowOnly("io.hostlet.execute..", "io.hostlet.plan..", "io.hostlet.engine..", "io.hostlet.observed..",
                "io.hostlet.manifest..");
        allowOnly("io.hostlet.recorder..", "io.hostlet.execute..", "io.hostlet.plan..", "io.hostlet.engine..",
                "io.hostlet.observed..", "io.hostlet.desired", "io.hostlet.manifest..");
        allowOnly("io.hostlet.lock..", "io.hostlet.config..");
        allowOnly("io.hostlet.status..", "io.hostlet.recorder..", "io.hostlet.plan..", "io.hostlet.engine..",
                "io.hostlet.observed..", "io.hostlet.desired", "io.hostlet.manifest..");
        // Metrics only derive numbers from the loop's pass reports (and the resync interval the alerts compare
        // against): they sit above reconcile and read its models; nothing below knows they exist.
        allowOnly("io.hostlet.metrics..", "io.hostlet.reconcile..", "io.hostlet.status..", "io.hostlet.execute..",
                "io.hostlet.plan..", "io.hostlet.engine..", "io.hostlet.config..", "io.hostlet.recorder..",
                "io.hostlet.observed..", "io.hostlet.desired", "io.hostlet.manifest..");
        noClasses().that().resideOutsideOfPackage("io.hostlet.metrics..")
                .should().dependOnClassesThat().resideInAPackage("io.hostlet.metrics..").check(main);
        // The command line runs without the service (no Quarkus boot, no CDI): validate reads manifests through the
        // service's own FolderSource, the client commands talk HTTP. Nothing of the loop, engine or API, so that
        // validate cannot touch an engine and the client commands cannot drift into the service's internals.
        // It also runs `export`, which is as offline as validate, and checks the policy as the service does.
        // And `import`, export's mirror: as offline, it only converts a compose file.
        // And `doctor` and `version`, whose package (below) is the only way from the command line to an engine.
        allowOnly("io.hostlet.cli..", "io.hostlet.export..", "io.hostlet.imports..", "io.hostlet.doctor..",
                "io.hostlet.desired", "io.hostlet.policy..",
                "io.hostlet.manifest..",
                "io.hostlet.config..");
        // Only the composition root (app.Main, which hands the command line its clock) knows the CLI.
        noClasses().that().resideOutsideOfPackages("io.hostlet.cli..", "io.hostlet.app..")
                .should().dependOnClassesThat().resideInAPackage("io.hostlet.cli..").check(main);
        // doctor checks what the service would start with: it asks the engine about itself (describe, nothing that
        // changes it) and reads the folder as the service does; nothing of the loop, plans or the API.
        // It knows where the recorder keeps the label key, to check it.
        allowOnly("io.hostlet.doctor..", "io.hostlet.engine..", "io.hostlet.recorder..", "io.hostlet.desired",
                "io.hostlet.policy..", "io.hostlet.manifest..");
        // export translates what validation accepts into other engines' formats: it reads the folder like hostlet
        // (desired) and knows the manifest model, and nothing of engines, plans or the loop.
        // It reads under a policy level, as validate does.
        allowOnly("io.hostlet.export..", "io.hostlet.desired", "io.hostlet.policy..", "io.hostlet.manifest..");
        // import is export's mirror: it writes manifests from a compose file, checks them with the manifest parser
        // (so what it writes passes validate) and says what the policy would refuse; nothing of folders, engines or
        // the loop, and export and import know nothing of each other.
        allowOnly("io.hostlet.imports..", "io.hostlet.policy..", "io.hostlet.manifest..");
        // Events are derived from whole pass reports (and the difference between consecutive ones), never from hooks
        // inside the stages: so the events package sits above the loop and may read everything a report carries,
        // while nothing below knows it exists (only the api, above it, serves it).
        allowOnly("io.hostlet.events..", "io.hostlet.reconcile..", "io.hostlet.status..", "io.hostlet.recorder..",
                "io.hostlet.execute..", "io.hostlet.plan..", "io.hostlet.engine..", "io.hostlet.observed..",
                "io.hostlet.desired", "io.hostlet.manifest..", "io.hostlet.config..");
        noClasses().that().resideOutsideOfPackage("io.hostlet.app..")
                .should().dependOnClassesThat().resideInAPackage("io.hostlet.app..").check(main);
        noClasses().that().resideOutsideOfPackage("io.hostlet.api..")
                .should().dependOnClassesThat().resideInAPackage("io.hostlet.api..").check(main);
    }

    /** Classes in {@code layer} depend on no hostlet package but their own and {@code below}. */
    private static void allowOnly(String layer, String... below) {
        String[] allowed = new String[below.length + 1];
        allowed[0] = layer;
        System.arraycopy(below, 0, allowed, 1, below.length);
        noClasses().that().resideInAPackage(layer)
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.and(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("io.hostlet.."),
                        com.tngtech.archunit.base.DescribedPredicate.not(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(allowed))))
                .check(main);
    }

    /** Every engine read of a pass is the observer's: status is built from what was observed, never from the engine. */
    @Test
    void statusKnowsNoEngine() {
        noClasses().that().resideInAPackage("io.hostlet.status..")
                .should().dependOnClassesThat().resideInAPackage("io.hostlet.engine..")
                .check(main);
    }

    @Test
    void manifestsKnowNothingOfEnginesOrLoops() {
        noClasses().that().resideInAPackage("io.hostlet.manifest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.hostlet.engine..", "io.hostlet.reconcile..",
                        "io.hostlet.plan..", "io.quarkus..")
                .check(main);
    }
}
