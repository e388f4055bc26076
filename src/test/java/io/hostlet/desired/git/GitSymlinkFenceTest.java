package io.hostlet.desired.git;

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

/** A repository's symbolic links never lead a materialized tree out of itself, alone or chained. */
class GitSymlinkFenceTest {

    private static final int DEPTH = 24;

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

    @Test
    void twoLinksThatEachStayInsideLexicallyDoNotTogetherReachEtc() throws Exception {
        upstream.push("web", files("web.yaml", manifest("web", "v1")));
        String deep = "d/".repeat(DEPTH);               // d/d/.../d/ (DEPTH levels)
        Map<String, String> links = new LinkedHashMap<>();
        // up: DEPTH levels down, DEPTH levels back up: the tree's root, lexically and really.
        links.put(deep + "up", "../".repeat(DEPTH).replaceAll("/$", ""));
        // escape: lexically d/.../d/up/ then DEPTH+1 levels up is the root again, then etc: "inside". Really, up is
        // the root already, so the same ".." climb leaves the tree and ends at /etc.
        links.put("escape", deep + "up/" + "../".repeat(DEPTH + 1) + "etc");
        links.put("fine.yml", "web.yaml");
        RevCommit c = upstream.pushLinks("links", links);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        Path tree = tmp.resolve("hostlet-git/trees").resolve(c.name()).toRealPath();

        Path escape = tree.resolve("escape");
        if (Files.exists(escape)) {
            assertThat(escape.toRealPath()).as("where the link leads").startsWith(tree);
        }
        assertThat(Files.exists(escape.resolve("passwd"))).as("/etc/passwd through the tree").isFalse();
        assertThat(Files.isSymbolicLink(tree.resolve(deep + "up"))).as("a link to the root itself is harmless")
                .isTrue();
        assertThat(Files.readString(tree.resolve("fine.yml"))).as("links within the tree still work")
                .isEqualTo(manifest("web", "v1"));
    }

    @Test
    void aLinkChainEndingOutsideIsDroppedEvenWhenEachHopIsInside() throws Exception {
        upstream.push("web", files("web.yaml", manifest("web", "v1")));
        Map<String, String> links = new LinkedHashMap<>();
        links.put("a/b/root", "../..");
        links.put("hop", "a/b/root/a/b/root/a/b/root/../../../../../../../..");
        RevCommit c = upstream.pushLinks("chain", links);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        Path tree = tmp.resolve("hostlet-git/trees").resolve(c.name()).toRealPath();
        Path hop = tree.resolve("hop");
        if (Files.exists(hop)) {
            assertThat(hop.toRealPath()).startsWith(tree);
        }
    }
}
