package io.hostlet.reconcile;

import io.hostlet.manifest.ManifestError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Manifest errors reach the log once per change, not once per pass. */
class ManifestErrorLogTest {

    private final List<String> lines = new ArrayList<>();
    private final ManifestErrorLog log = new ManifestErrorLog((warn, line) -> lines.add((warn ? "WARN " : "INFO ") + line));

    private static ManifestError err(String file, int line, String message) {
        return new ManifestError(file, line, 3, message);
    }

    @Test
    void anErrorIsLoggedOnceWithItsPositionWhileItStays() {
        log.seen(List.of(err("web.yaml", 4, "unknown field 'imagee'")));
        log.seen(List.of(err("web.yaml", 4, "unknown field 'imagee'")));
        log.seen(List.of(err("web.yaml", 4, "unknown field 'imagee'")));

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("WARN manifest web.yaml: 1 error(s)")
                .contains("web.yaml:4:3: unknown field 'imagee'");
    }

    @Test
    void aChangedErrorIsLoggedAgainAndAFixIsLoggedAtInfo() {
        log.seen(List.of(err("web.yaml", 4, "unknown field 'imagee'")));
        log.seen(List.of(err("web.yaml", 5, "unknown field 'imagee'")));
        log.seen(List.of());
        log.seen(List.of());

        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("WARN").contains("web.yaml:5:3");
        assertThat(lines.get(2)).isEqualTo("INFO manifest web.yaml has no errors any more (fixed or deleted)");
    }

    @Test
    void anotherFilesErrorDoesNotRepeatTheFirst() {
        log.seen(List.of(err("a.yaml", 1, "x")));
        log.seen(List.of(err("a.yaml", 1, "x"), err("b.yaml", 2, "y")));

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("b.yaml:2:3: y").doesNotContain("a.yaml");
    }
}
