package io.hostlet.desired.git;

import io.hostlet.desired.DesiredState;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link GitSource} fetching over HTTP with basic authentication, from the real {@code git http-backend}. */
@Timeout(120)
class GitHttpTest {

    private static final String TOKEN = "ghp_s3cr3t-t0ken";

    @TempDir
    Path tmp;

    private Upstream upstream;
    private GitHttpServer server;
    private final List<GitSource> sources = new ArrayList<>();
    private RevCommit v1;

    @BeforeEach
    void serve() throws Exception {
        upstream = new Upstream(tmp.resolve("upstream"));
        v1 = upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        server = new GitHttpServer(tmp.resolve("upstream"), "deploy", TOKEN);
    }

    @AfterEach
    void stop() {
        sources.forEach(GitSource::close);
        server.close();
        upstream.close();
    }

    private GitSource source(GitOptions options) {
        GitSource s = new GitSource(options, java.time.Clock.systemUTC());
        sources.add(s);
        return s;
    }

    private Path tokenFile(String token) throws Exception {
        return Files.writeString(tmp.resolve("token-" + token.hashCode()), token + "\n");
    }

    @Test
    void theRightTokenFromAFileFetchesTheBranch() throws Exception {
        GitSource source = source(GitOptions.of(server.url("origin.git"), tmp.resolve("checkout"))
                .withPassword("deploy", tokenFile(TOKEN)));

        assertThat(source.sync()).as("%s", source.info().lastError()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(source.read().containers()).containsOnlyKeys("web");
        assertThat(source.info().commit()).isEqualTo(v1.name());

        RevCommit v2 = upstream.push("v2", files("api.yaml", manifest("api", "v1")));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(source.read().containers()).containsOnlyKeys("web", "api");
        assertThat(source.info().commit()).isEqualTo(v2.name());
    }

    @Test
    void aWrongTokenFailsTheFetchAndNothingIsKnown() throws Exception {
        GitSource source = source(GitOptions.of(server.url("origin.git"), tmp.resolve("checkout"))
                .withPassword("deploy", tokenFile("wrong")));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        DesiredState state = source.read();
        assertThat(state.complete()).isFalse();
        assertThat(state.problem()).startsWith("waiting for the first git sync: fetch from " + server.url("origin.git"));
        assertThat(source.info().lastError()).containsIgnoringCase("not authorized").doesNotContain("wrong");
    }

    @Test
    void noCredentialsFailTheFetch() {
        GitSource source = source(GitOptions.of(server.url("origin.git"), tmp.resolve("checkout")));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(source.info().lastError()).isNotNull();
    }

    @Test
    void aTokenWorksAfterItWasRotatedInItsFile() throws Exception {
        Path file = tmp.resolve("token");
        Files.writeString(file, "old");
        GitSource source = source(GitOptions.of(server.url("origin.git"), tmp.resolve("checkout")).withPassword("deploy", file));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);

        Files.writeString(file, TOKEN + "\n");

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
    }

    @Test
    void credentialsInTheUrlWorkAndAreNeverShown() {
        String withSecret = server.url("origin.git").replace("http://", "http://deploy:" + TOKEN + "@");
        GitSource source = source(GitOptions.of(withSecret, tmp.resolve("checkout")));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(source.info().location()).isEqualTo(server.url("origin.git"));

        String wrong = server.url("origin.git").replace("http://", "http://deploy:hunter2@");
        GitSource bad = source(GitOptions.of(wrong, tmp.resolve("checkout2")));
        assertThat(bad.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(bad.info().location()).isEqualTo(server.url("origin.git"));
        assertThat(bad.info().lastError()).doesNotContain("hunter2");
        assertThat(bad.read().problem()).doesNotContain("hunter2");
    }
}
