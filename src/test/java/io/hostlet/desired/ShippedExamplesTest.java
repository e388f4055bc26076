package io.hostlet.desired;

import io.hostlet.manifest.PullPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples in {@code manifests/} are what the README tells people to run: they must stay valid. So must the
 * manifest {@code scripts/build-cds.sh} trains on: an invalid one would still give an archive, without the planner.
 */
class ShippedExamplesTest {

    @Test
    void theExampleFolderReadsWithoutErrors() {
        DesiredState state = new FolderSource(Path.of("manifests")).read();

        assertThat(state.errors()).isEmpty();
        assertThat(state.settled()).isTrue();
        assertThat(state.containers()).containsKeys("web", "worker", "once", "store", "reporter");
        assertThat(state.images()).containsOnlyKeys("busybox");
        assertThat(state.images().get("busybox").imagePullPolicy()).isEqualTo(PullPolicy.Never);
    }

    @Test
    void theClassDataTrainingManifestIsValidAndCanNeverMakeAContainer(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        String script = Files.readString(Path.of("scripts/build-cds.sh"));
        String start = "<<'YAML'\n";
        int from = script.indexOf(start) + start.length();
        String manifest = script.substring(from, script.indexOf("\nYAML\n", from) + 1);
        Files.writeString(tmp.resolve("training.yaml"), manifest);

        DesiredState state = new FolderSource(tmp).read();

        assertThat(state.errors()).isEmpty();
        assertThat(state.containers()).containsOnlyKeys("cds-training");
        // Never pulled, and a name no registry serves (.invalid): no engine has it, so even act mode makes nothing.
        assertThat(state.containers().get("cds-training").spec().imagePullPolicy()).isEqualTo(PullPolicy.Never);
        assertThat(state.containers().get("cds-training").spec().image()).contains(".invalid/");
        assertThat(script).contains("-Dhostlet.mode=observe");
    }
}
