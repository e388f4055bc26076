package io.hostlet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hostlet import} is a command of the one command line, and takes its variables from the CLI's environment. */
class ImportRegisteredTest {

    @Test
    void importRunsFromTheTopCommandWithTheCommandLinesEnvironment(@TempDir Path dir) throws Exception {
        Path compose = Files.writeString(dir.resolve("docker-compose.yml"),
                "services: {web: {image: 'nginx:${TAG}', restart: always}}\n");
        Path out = dir.resolve("out");

        Run r = Run.of(Map.of("TAG", "1.27"), "import", compose.toString(), "-o", out.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("wrote 1 manifest(s)");
        assertThat(Files.readString(out.resolve("web.yaml"))).contains("image: nginx:1.27");
        assertThat(Run.of("validate", out.toString()).code()).isZero();
    }
}
