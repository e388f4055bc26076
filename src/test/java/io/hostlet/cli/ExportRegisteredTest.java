package io.hostlet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hostlet export} is a command of the one command line, not a separate entry point. */
class ExportRegisteredTest {

    @Test
    void exportRunsFromTheTopCommand(@TempDir Path out) throws IOException {
        Run r = Run.of("export", "--format", "kubernetes", "-o", out.toString(), "manifests");

        assertThat(r.code()).as(r.err()).isIn(0, 3); // 3: some field has no Kubernetes counterpart, reported
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).isNotEmpty().allMatch(n -> n.endsWith(".yaml"));
        }
    }

    @Test
    void aBadFormatIsAUsageError() {
        assertThat(Run.of("export", "--format", "nomad", "manifests").code()).isEqualTo(2);
    }
}
