package io.hostlet.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The architecture's boundaries, checked mechanically rather than by review. */
class BoundariesTest {

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.hostlet");
    }

    @Test
    void onlyTheDockerAdapterKnowsDockerJava() {
        noClasses().that().doNotHaveFullyQualifiedName("io.hostlet.engine.DockerEngine")
                .and().haveNameNotMatching("io\\.hostlet\\.engine\\.DockerEngine\\$.*")
                .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
                .check(main);
    }

    @Test
    void thePlannerDoesNoIoAndKnowsNoFramework() {
        noClasses().that().resideInAPackage("io.hostlet.plan..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..",
                        "io.quarkus..", "jakarta..", "io.hostlet.reconcile..", "io.hostlet.api..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.hostlet.engine.Engine")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.hostlet.engine.DockerEngine")
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
