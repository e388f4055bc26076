package io.hostlet.desired.git;

import io.hostlet.desired.DesiredState;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;

/** A tree on disk that does not match its commit (torn by a crash before it reached the disk) is never used. */
class GitTornTreeTest {

    @TempDir
    Path tmp;

    private Upstream upstream;

    @BeforeEach
    void start() {
        upstream = new Upstream(tmp.resolve("upstream"));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private GitOptions options() {
        return GitOptions.of(upstream.url(), tmp.resolve("hostlet-git"));
    }

    @Test
    void aTornTreeIsNotAdoptedAtStartButWrittenAgainByTheFirstSync() throws Exception {
        RevCommit c = upstream.push("two", files("web.yaml", manifest("web", "v1"), "db.yaml", manifest("db", "v1")));
        try (GitSource first = new GitSource(options(), java.time.Clock.systemUTC())) {
            assertThat(first.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        }
        Path tree = tmp.resolve("hostlet-git/trees").resolve(c.name());
        Files.writeString(tree.resolve("db.yaml"), ""); // what a power cut leaves of a file that was never synced
        Files.delete(tree.resolve("web.yaml"));          // and of one whose directory entry was never synced

        try (GitSource restarted = new GitSource(options(), java.time.Clock.systemUTC())) {
            DesiredState before = restarted.read();
            assertThat(before.complete()).as("a torn tree is not desired state: nothing may be removed for it").isFalse();
            assertThat(before.problem()).startsWith("waiting for the first git sync");

            assertThat(restarted.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
            DesiredState after = restarted.read();
            assertThat(after.complete()).isTrue();
            assertThat(after.containers()).containsOnlyKeys("web", "db");
            assertThat(Files.readString(tree.resolve("db.yaml"))).isEqualTo(manifest("db", "v1"));
        }
    }

    @Test
    void aWholeTreeIsAdoptedAtStartAsBefore() throws Exception {
        RevCommit c = upstream.push("one", files("web.yaml", manifest("web", "v1")));
        try (GitSource first = new GitSource(options(), java.time.Clock.systemUTC())) {
            first.sync();
        }
        try (GitSource restarted = new GitSource(options(), java.time.Clock.systemUTC())) {
            assertThat(restarted.read().containers()).containsOnlyKeys("web");
            assertThat(restarted.info().commit()).isEqualTo(c.name());
        }
    }

    @Test
    void aTornTreeOfTheNewHeadIsWrittenAgainRatherThanSwitchedTo() throws Exception {
        upstream.push("one", files("web.yaml", manifest("web", "v1")));
        try (GitSource source = new GitSource(options(), java.time.Clock.systemUTC())) {
            source.sync();
            RevCommit c2 = upstream.push("two", files("web.yaml", manifest("web", "v2")));
            // a tree for c2 already there but torn, as a crash between write and rename of an older version left it
            Path torn = Files.createDirectories(tmp.resolve("hostlet-git/trees").resolve(c2.name()));
            Files.writeString(torn.resolve("web.yaml"), "apiVersion: hostlet.io/v1\nkind: Cont");

            assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
            assertThat(source.read().containers().get("web").spec().env().get(0).value()).isEqualTo("v2");
        }
    }
}
