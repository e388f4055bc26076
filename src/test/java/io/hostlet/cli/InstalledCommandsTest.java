package io.hostlet.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code version}, {@code completion} and {@code doctor} are registered and answer without a service. */
class InstalledCommandsTest {

    @Test
    void versionPrintsTheVersionTheCommitAndTheEngineApiRange() {
        Run r = Run.of("version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("hostlet ").contains("commit:", "engine API:  1.41 to 1.45", "java:");
    }

    /** The script is generated from the command definitions: every command and a subcommand's option is in it. */
    @Test
    void completionKnowsEveryCommandAndTheirOptions() {
        for (String shell : new String[] {"bash", "zsh"}) {
            Run r = Run.of("completion", shell);
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("complete -F _complete_hostlet", "bashcompinit")
                    .contains("validate", "status", "doctor", "version", "completion", "--state-dir", "--policy");
        }
        assertThat(Run.of("completion", "fish").code()).isEqualTo(2);
    }

    @Test
    void doctorIsRegisteredAndExitsTwoWithoutAnEngine() {
        Run r = Run.of(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"), "doctor");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out()).contains("fail  engine");
    }
}
