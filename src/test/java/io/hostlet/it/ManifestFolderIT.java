package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Container;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How hostlet reads the folder: broken files, files it must not read, clashes, and the folder gone. */
class ManifestFolderIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @Test
    void invalidYamlOverARunningManifestLeavesItsContainerAloneAndIsReportedWithFileAndLine() {
        String name = hostlet.name("broken");
        String file = name + ".yaml";
        hostlet.write(file, Manifest.container(name));
        String id = hostlet.awaitRunning(name).getId();

        hostlet.write(file, """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata:
                  name: %s
                spec:
                  image: %s
                  args: ["-c", "exec sleep 100000"]
                  restartPolicy: Always: Never
                  stopGracePeriod: 1s
                """.formatted(name, TestEngine.testImage()));

        await().untilAsserted(() -> assertThat(errorsFor(file))
                .as("manifestErrors in %s", hostlet.status())
                .anySatisfy(e -> {
                    assertThat(e.path("line").asInt()).isEqualTo(8);
                    assertThat(e.path("column").asInt()).isPositive();
                    assertThat(e.path("message").asText()).isNotBlank();
                }));
        hostlet.holdsAcrossPasses(2, () -> {
            assertThat(engine.running(name).getId()).isEqualTo(id);
            assertThat(errorsFor(file)).isNotEmpty();
        });
    }

    @Test
    void hiddenAndEditorFilesAreIgnored() {
        String prefix = hostlet.name("x");
        Map<String, String> ignoredFileToName = Map.of(
                "." + prefix + ".yaml", hostlet.name("hidden"),
                prefix + ".yaml.swp", hostlet.name("swp"),
                prefix + ".yaml~", hostlet.name("tilde"),
                prefix + ".yaml.tmp", hostlet.name("tmp"),
                prefix + ".yaml.bak", hostlet.name("bak"),
                prefix + ".yaml.part", hostlet.name("part"));
        ignoredFileToName.forEach((file, name) -> hostlet.write(file, Manifest.container(name)));
        // written last: once it runs, hostlet has read the folder with all the others in it
        String witness = hostlet.name("witness");
        hostlet.write(witness + ".yaml", Manifest.container(witness));

        hostlet.awaitRunning(witness);

        hostlet.holdsAcrossPasses(2, () -> {
            for (String name : ignoredFileToName.values()) {
                assertThat(engine.container(name)).as("container %s", name).isEmpty();
                assertThat(hostlet.containerStatus(name).isMissingNode()).as("%s in status", name).isTrue();
            }
            List<String> errorFiles = new ArrayList<>();
            hostlet.status().path("manifestErrors").forEach(e -> errorFiles.add(e.path("file").asText()));
            assertThat(errorFiles).doesNotContainAnyElementsOf(ignoredFileToName.keySet());
        });
    }

    @Test
    void twoManifestsWithTheSameNameAreBothReportedAndNothingIsCreatedTwice() {
        String name = hostlet.name("twin");
        String first = hostlet.name("first") + ".yaml";
        String second = hostlet.name("second") + ".yaml";
        // both in place before hostlet looks, so that neither comes first
        hostlet.stop();
        hostlet.write(first, Manifest.container(name).env("FROM", "first"));
        hostlet.write(second, Manifest.container(name).env("FROM", "second"));
        hostlet.start();

        await().untilAsserted(() -> assertThat(errorsFor(first)).as("%s", hostlet.status()).isNotEmpty());
        await().untilAsserted(() -> assertThat(errorsFor(second)).as("%s", hostlet.status()).isNotEmpty());

        AtomicReference<Set<String>> ids = new AtomicReference<>();
        hostlet.holdsAcrossPasses(2, () -> {
            List<Container> named = engine.managedNamed(hostlet.instance(), name);
            assertThat(named).as("containers for %s", name).hasSizeLessThanOrEqualTo(1);
            Set<String> now = named.stream().map(Container::getId).collect(Collectors.toSet());
            ids.compareAndSet(null, now);
            assertThat(now).as("the same container throughout").isEqualTo(ids.get());
            assertThat(errorsFor(first)).isNotEmpty();
            assertThat(errorsFor(second)).isNotEmpty();
        });
    }

    @Test
    void aMissingFolderRemovesNothingAndMakesReadinessDownUntilItIsBack() throws Exception {
        String name = hostlet.name("stay");
        hostlet.write(name + ".yaml", Manifest.container(name));
        String id = hostlet.awaitRunning(name).getId();
        await().untilAsserted(() -> assertThat(hostlet.readiness().httpCode()).isEqualTo(200));

        Path folder = hostlet.manifestsDir();
        Path away = folder.resolveSibling(folder.getFileName() + "-away");
        Files.move(folder, away);
        try {
            await().untilAsserted(() -> {
                HostletProcess.Health ready = hostlet.readiness();
                assertThat(ready.httpCode()).as("%s", ready).isEqualTo(503);
                assertThat(ready.status()).isEqualTo("DOWN");
            });
            hostlet.holdsAcrossPasses(2, () -> {
                assertThat(engine.running(name).getId()).isEqualTo(id);
                assertThat(hostlet.readiness().httpCode()).isEqualTo(503);
            });
        } finally {
            Files.move(away, folder);
        }

        await().untilAsserted(() -> {
            HostletProcess.Health ready = hostlet.readiness();
            assertThat(ready.httpCode()).as("%s", ready).isEqualTo(200);
            assertThat(ready.status()).isEqualTo("UP");
        });
        assertThat(engine.running(name).getId()).isEqualTo(id);
    }

    private List<JsonNode> errorsFor(String file) {
        List<JsonNode> errors = new ArrayList<>();
        hostlet.status().path("manifestErrors").forEach(e -> {
            if (file.equals(e.path("file").asText())) {
                errors.add(e);
            }
        });
        return errors;
    }
}
