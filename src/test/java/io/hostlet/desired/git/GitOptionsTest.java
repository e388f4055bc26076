package io.hostlet.desired.git;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checked settings, and URLs as status shows them. */
class GitOptionsTest {

    private static final GitOptions BASE = GitOptions.of("file:///srv/repo.git", Path.of("/tmp/x"));

    @ParameterizedTest(name = "\"{0}\" → \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            ''               | ''
            /                | ''
            .                | ''
            ./               | ''
            deploy           | deploy
            /deploy/host1/   | deploy/host1
            ./deploy/host1   | deploy/host1
            """)
    void thePathIsNormalized(String given, String expected) {
        assertThat(BASE.withPath(given).path()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "deploy/../../x", "a//b", "a/./b"})
    void aPathLeavingOrBendingTheRepositoryIsRefused(String path) {
        assertThatThrownBy(() -> BASE.withPath(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostlet.git.path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "refs/heads/main", "a..b"})
    void aBranchMustBeAPlainBranchName(String branch) {
        assertThatThrownBy(() -> BASE.withBranch(branch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostlet.git.branch");
    }

    @Test
    void theRefIsTheBranchUnderRefsHeads() {
        assertThat(BASE.withBranch("release/1.x").ref()).isEqualTo("refs/heads/release/1.x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            https://user:ghp_token@github.com/org/repo.git | https://github.com/org/repo.git
            https://oauth2:tok@gitlab.example.com:8443/g/r  | https://gitlab.example.com:8443/g/r
            https://github.com/org/repo.git                 | https://github.com/org/repo.git
            ssh://git@github.com/org/repo.git               | ssh://github.com/org/repo.git
            file:///srv/repo.git                            | file:///srv/repo.git
            """)
    void statusShowsTheUrlWithoutCredentials(String url, String shown) {
        assertThat(Urls.redact(url)).isEqualTo(shown);
    }

    @Test
    void credentialsAreTakenOutOfMessagesToo() {
        assertThat(Urls.redactAll("https://u:secret@host/r.git: not authorized; see http://a:b@c/d"))
                .isEqualTo("https://host/r.git: not authorized; see http://c/d");
    }
}
