package io.hostlet.desired;

import io.hostlet.manifest.PullPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples in {@code manifests/} are what the README tells people to run: they must stay valid. */
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
}
