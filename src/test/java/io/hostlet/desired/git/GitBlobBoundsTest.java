package io.hostlet.desired.git;

import io.hostlet.desired.DesiredState;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;

/** A pushed commit cannot fill the disk: big blobs are not written, and a tree has a bound. */
class GitBlobBoundsTest {

    @TempDir
    Path tmp;

    private Upstream upstream;
    private GitSource source;

    @BeforeEach
    void start() {
        upstream = new Upstream(tmp.resolve("upstream"));
        source = new GitSource(GitOptions.of(upstream.url(), tmp.resolve("hostlet-git")), java.time.Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        source.close();
        upstream.close();
    }

    /** Blocks the file takes on disk, as {@code stat} counts them (512 bytes each). */
    private static long blocks(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return Long.parseLong(out);
    }

    @Test
    void aBlobOverTheFileLimitIsNotWrittenAndIsAnErrorAtThatFile() throws Exception {
        upstream.push("web", files("web.yaml", manifest("web", "v1")));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(source.read().containers()).containsKey("web");

        String zeros = "#" + "0".repeat(8 << 20) + "\n"; // 8 MiB that compress to a few KiB
        RevCommit big = upstream.push("big", files("web.yaml", manifest("web", "v2") + zeros));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);

        Path file = tmp.resolve("hostlet-git/trees").resolve(big.name()).resolve("web.yaml");
        assertThat(Files.size(file)).isEqualTo(manifest("web", "v2").length() + zeros.length());
        assertThat(blocks(file)).as("blocks written for an 8 MiB blob").isLessThan(64);
        DesiredState now = source.read();
        assertThat(now.errors()).singleElement().asString().contains("web.yaml").contains("1 MiB");
        assertThat(now.containers().get("web").spec().environment()).as("the last good version stays")
                .containsExactly("MODE=v1");
        assertThat(source.sync()).as("the tree is complete as written: not written again")
                .isEqualTo(GitSource.SyncResult.UNCHANGED);
    }

    @Test
    void aTreeOverItsBoundIsRefusedAndTheAppliedCommitStays() throws Exception {
        upstream.push("web", files("web.yaml", manifest("web", "v1")));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);

        Map<String, String> many = new LinkedHashMap<>();
        String mib = "0".repeat((1 << 20) - 8);
        for (int i = 0; i < 66; i++) {
            many.put("data/f" + i + ".txt", mib + i); // distinct blobs just under the file limit: 66 MiB in all
        }
        RevCommit c = upstream.push("many", many);
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);
        assertThat(source.read().containers()).containsKey("web");
        assertThat(Files.exists(tmp.resolve("hostlet-git/trees").resolve(c.name()))).isFalse();
        try (var left = Files.list(tmp.resolve("hostlet-git/trees"))) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith(".tmp-"))).isEmpty();
        }
    }
}
