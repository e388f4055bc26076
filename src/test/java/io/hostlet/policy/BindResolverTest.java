package io.hostlet.policy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The resolver on the real file system: links inside the root are followed, links out of it are refused. */
class BindResolverTest {

    @TempDir
    Path tmp;

    String root;
    final BindResolver resolver = new BindResolver(HostPaths.LOCAL);

    @BeforeEach
    void aRootWithAFolder() throws IOException {
        Path r = Files.createDirectories(tmp.toRealPath().resolve("srv"));
        Files.createDirectories(r.resolve("site/v2"));
        root = r.toString();
    }

    private BindResolver.Walk walk(String rel) {
        return resolver.under(root, root, root + rel);
    }

    @Test
    void aPlainFolderResolvesToItself() {
        assertThat(walk("/site/v2")).isEqualTo(new BindResolver.Walk(root + "/site/v2", null, false));
    }

    @Test
    void aLinkInsideTheRootIsFollowedAndTheResultNamesNoLink() throws IOException {
        Files.createSymbolicLink(Path.of(root, "current"), Path.of("site/v2"));
        Files.createSymbolicLink(Path.of(root, "abs"), Path.of(root, "site"));
        assertThat(walk("/current").path()).isEqualTo(root + "/site/v2");
        assertThat(walk("/abs/v2").path()).isEqualTo(root + "/site/v2");
    }

    @Test
    void aPlantedLinkToTheHostsRootIsRefusedNotFollowed() throws IOException {
        Files.createSymbolicLink(Path.of(root, "site/link"), Path.of("/"));
        BindResolver.Walk w = walk("/site/link");
        assertThat(w.ok()).isFalse();
        assertThat(w.refusal()).isEqualTo("the symlink " + root + "/site/link leads out of " + root + " (to /)");
        assertThat(walk("/site/link/etc").ok()).isFalse();
    }

    @Test
    void aRelativeLinkClimbingOutOfTheRootIsRefused() throws IOException {
        Files.createSymbolicLink(Path.of(root, "site/up"), Path.of("../../.."));
        assertThat(walk("/site/up/etc").refusal()).isEqualTo("leads above " + root);
    }

    @Test
    void aLoopOfLinksEnds() throws IOException {
        Files.createSymbolicLink(Path.of(root, "a"), Path.of("b"));
        Files.createSymbolicLink(Path.of(root, "b"), Path.of("a"));
        assertThat(walk("/a").refusal()).isEqualTo("more than 40 symlinks");
    }

    @Test
    void whatDoesNotExistYetIsKeptAsWrittenAndSaidMissing() {
        assertThat(walk("/new/sub")).isEqualTo(new BindResolver.Walk(root + "/new/sub", null, true));
    }

    @Test
    void realFollowsLinksAnywhereForConfiguredPaths() throws IOException {
        Files.createSymbolicLink(Path.of(root, "out"), tmp);
        assertThat(resolver.real(root + "/out/srv/site")).isEqualTo(tmp.toRealPath() + "/srv/site");
    }
}
