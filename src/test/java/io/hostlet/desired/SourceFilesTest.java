package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.FileSources;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.SpecHash;
import io.hostlet.policy.Policy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Reading what manifests take from files, through {@link FolderSource} as the service reads them: each problem is an
 * error at its field that holds the file (last good version in force), and a content change changes the hash.
 */
class SourceFilesTest {

    @TempDir
    Path root;
    private Path manifests;
    private Path secrets;
    private FolderSource source;

    @BeforeEach
    void folders() throws IOException {
        manifests = Files.createDirectories(root.resolve("manifests"));
        secrets = Files.createDirectories(root.resolve("secrets"));
        source = new FolderSource(manifests, Policy.baseline(), new SourceFiles(secrets, List.of()));
    }

    private void manifest(String... specLines) throws IOException {
        StringBuilder b = new StringBuilder("apiVersion: hostlet.io/v1\nkind: Container\nmetadata:\n  name: web\nspec:\n"
                + "  image: busybox:1\n");
        for (String l : specLines) {
            b.append("  ").append(l).append('\n');
        }
        Files.writeString(manifests.resolve("web.yaml"), b.toString());
    }

    private static void write(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    private List<String> errors() {
        return source.read().errors().stream().map(ManifestError::toString).toList();
    }

    @Test
    void readsEverySourceAndADigestChangeChangesTheHash() throws IOException {
        write(secrets.resolve("pw"), "hunter2\n");
        write(secrets.resolve("app.env"), "export A=1\n");
        write(secrets.resolve("tls/key"), "KEY");
        write(manifests.resolve("conf/app.conf"), "x=1\n");
        manifest("env: [{name: PW, valueFrom: {file: pw}}]", "envFrom: [{file: app.env}]",
                "files: [{source: conf/app.conf, mountPath: /etc/app.conf}]",
                "secrets: [{source: tls/key, mountPath: /run/secrets/key}]");
        DesiredState first = source.read();
        assertThat(first.errors()).isEmpty();
        ContainerManifest m = first.containers().get("web");
        assertThat(m.spec().environment()).containsExactly("A=1", "PW=hunter2");
        assertThat(m.spec().sources().files().get(0).content().text()).isEqualTo("x=1\n");
        assertThat(m.spec().sources().secrets().get(0).content().text()).isEqualTo("KEY");
        String hash = SpecHash.of(m);

        for (Path changed : List.of(secrets.resolve("pw"), secrets.resolve("app.env"), secrets.resolve("tls/key"),
                manifests.resolve("conf/app.conf"))) {
            String before = SpecHash.of(source.read().containers().get("web"));
            Files.writeString(changed, Files.readString(changed) + "#\n");
            assertThat(SpecHash.of(source.read().containers().get("web"))).as(changed.toString()).isNotEqualTo(before);
        }
        assertThat(hash).isNotEqualTo(SpecHash.of(source.read().containers().get("web")));
    }

    @Test
    void aMissingSecretIsAnErrorAtItsFieldAndTheLastGoodVersionStays() throws IOException {
        write(secrets.resolve("key"), "one");
        manifest("secrets: [{source: key, mountPath: /k}]");
        ContainerManifest good = source.read().containers().get("web");
        Files.delete(secrets.resolve("key"));
        DesiredState now = source.read();
        assertThat(now.errors()).extracting(ManifestError::toString)
                .containsExactly("web.yaml:7:22: spec.secrets[0].source: " + secrets.resolve("key") + " does not exist");
        assertThat(now.heldFiles()).containsExactly("web.yaml");
        assertThat(now.containers().get("web")).isEqualTo(good);
    }

    @Test
    void aFileThatNeverWasGoodIsHeldWithNothingInForce() throws IOException {
        manifest("env: [{name: A, valueFrom: {file: nope}}]");
        DesiredState now = source.read();
        assertThat(now.errors()).extracting(ManifestError::toString)
                .containsExactly("web.yaml:7:37: spec.env[0].valueFrom.file: " + secrets.resolve("nope") + " does not exist");
        assertThat(now.heldFiles()).containsExactly("web.yaml");
        assertThat(now.containers()).isEmpty();
    }

    @Test
    void aMissingSecretsFolderIsNamed() throws IOException {
        source = new FolderSource(manifests, Policy.baseline(), new SourceFiles(root.resolve("none"), List.of()));
        manifest("envFrom: [{file: a.env}]");
        assertThat(errors()).containsExactly("web.yaml:7:20: spec.envFrom[0].file: hostlet.secrets.dir "
                + root.resolve("none") + " does not exist");
    }

    @Test
    void anUnreadableSecretIsAnError() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
        write(secrets.resolve("key"), "x");
        Files.setPosixFilePermissions(secrets.resolve("key"), PosixFilePermissions.fromString("---------"));
        manifest("secrets: [{source: key, mountPath: /k}]");
        assertThat(errors()).containsExactly("web.yaml:7:22: spec.secrets[0].source: cannot read " + secrets.resolve("key")
                + ": permission denied");
    }

    @Test
    void aSecretSymlinkLeadingOutOfTheSecretsFolderIsRefused() throws IOException {
        write(root.resolve("elsewhere"), "x");
        Files.createSymbolicLink(secrets.resolve("key"), root.resolve("elsewhere"));
        manifest("secrets: [{source: key, mountPath: /k}]");
        assertThat(errors()).containsExactly("web.yaml:7:22: spec.secrets[0].source: " + secrets.resolve("key")
                + " leads to " + root.toRealPath().resolve("elsewhere") + ", outside hostlet.secrets.dir "
                + secrets.toRealPath());
    }

    /** A folder swapped for a link to elsewhere between the check and the read must not be read through (issue: /etc/shadow copied in). */
    @Test
    void aFolderSwappedForASymlinkWhileReadingIsNeverFollowed() throws Exception {
        write(manifests.resolve("conf/app.conf"), "ok");
        write(root.resolve("outside/app.conf"), "STOLEN");
        manifest("files: [{source: conf/app.conf, mountPath: /a}]");
        String yaml = Files.readString(manifests.resolve("web.yaml"));
        io.hostlet.manifest.ParseResult parsed = io.hostlet.manifest.ManifestParser.parse("web.yaml", yaml);
        SourceFiles files = new SourceFiles(secrets, List.of());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread swapper = new Thread(() -> {
            Path conf = manifests.resolve("conf");
            Path aside = manifests.resolve("conf.real");
            try {
                while (!stop.get()) {
                    Files.move(conf, aside);
                    Files.createSymbolicLink(conf, root.resolve("outside"));
                    Files.delete(conf);
                    Files.move(aside, conf);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        swapper.start();
        int read = 0;
        try {
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end) {
                io.hostlet.manifest.ParseResult r = files.resolve(parsed, yaml, manifests.resolve("web.yaml"), manifests);
                FileSources.MountedFile f = r.ok() ? r.manifests().get(0).spec().sources().files().get(0) : null;
                if (f != null && f.content() != null) {
                    assertThat(f.content().text()).as("read %d", read).isEqualTo("ok");
                }
                read++;
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(read).isPositive();
    }

    @Test
    void aHugeSparseSecretIsRefusedWithoutBeingRead() throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(secrets.resolve("big").toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        manifest("secrets: [{source: big, mountPath: /k}]");
        assertThat(errors()).containsExactly("web.yaml:7:22: spec.secrets[0].source: " + secrets.resolve("big")
                + " is larger than 1 MiB");
    }

    @Test
    void secretsMayLinkWithinTheFolderAsKubernetesMountsThem() throws IOException {
        write(secrets.resolve("..2026_12_01/key"), "KEY");
        Files.createSymbolicLink(secrets.resolve("..data"), Path.of("..2026_12_01"));
        Files.createSymbolicLink(secrets.resolve("key"), Path.of("..data/key"));
        Files.createSymbolicLink(secrets.resolve("abs"), secrets.toRealPath().resolve("..data/key"));
        manifest("secrets: [{source: key, mountPath: /k}, {source: abs, mountPath: /a}]");
        assertThat(errors()).isEmpty();
        assertThat(source.read().containers().get("web").spec().sources().secrets())
                .extracting(s -> s.content().text()).containsExactly("KEY", "KEY");

        Files.createSymbolicLink(secrets.resolve("up"), Path.of("..data/../../outside"));
        write(root.resolve("outside"), "x");
        manifest("secrets: [{source: up, mountPath: /k}]");
        assertThat(errors()).singleElement().asString().contains(secrets.resolve("up") + " leads to ");
    }

    @Test
    void aSecretsFolderInsideTheManifestsTreeIsRefused() throws IOException {
        Path inside = Files.createDirectories(manifests.resolve(".secrets"));
        write(inside.resolve("key"), "x");
        source = new FolderSource(manifests, Policy.baseline(), new SourceFiles(inside, List.of()));
        manifest("secrets: [{source: key, mountPath: /k}]");
        assertThat(errors()).singleElement().asString().startsWith("web.yaml:7:22: spec.secrets[0].source: hostlet.secrets.dir "
                + inside.toRealPath() + " must not share a folder with the manifests tree");
    }

    @Test
    void aSecretsFolderInsideTheGitCheckoutIsRefused() throws IOException {
        Path checkout = root;
        source = new FolderSource(manifests, Policy.baseline(), new SourceFiles(secrets, List.of()).alsoRefusing(checkout));
        write(secrets.resolve("key"), "x");
        manifest("secrets: [{source: key, mountPath: /k}]");
        assertThat(errors()).singleElement().asString().contains("must not share a folder with the manifests tree "
                + root.toRealPath());
    }

    @Test
    void aConfigFileMustStayInTheManifestsTree() throws IOException {
        write(root.resolve("outside.conf"), "x");
        manifest("files: [{source: ../outside.conf, mountPath: /a}]");
        assertThat(errors()).containsExactly("web.yaml:7:20: spec.files[0].source: " + root.resolve("outside.conf")
                + " lies outside the manifests tree " + manifests.toRealPath()
                + " (files come from beside the manifest; secrets from hostlet.secrets.dir)");

        Files.createSymbolicLink(manifests.resolve("link.conf"), root.resolve("outside.conf"));
        manifest("files: [{source: link.conf, mountPath: /a}]");
        assertThat(errors()).containsExactly("web.yaml:7:20: spec.files[0].source: " + manifests.resolve("link.conf")
                + " leads to " + root.toRealPath().resolve("outside.conf") + ", outside the manifests tree "
                + manifests.toRealPath());
    }

    @Test
    void aConfigFileInASubfolderMayClimbWithinTheTree() throws IOException {
        write(manifests.resolve("shared/common.conf"), "c");
        Files.createDirectories(manifests.resolve("apps"));
        Files.writeString(manifests.resolve("apps/web.yaml"), "apiVersion: hostlet.io/v1\nkind: Container\n"
                + "metadata: {name: web}\nspec:\n  image: busybox:1\n"
                + "  files: [{source: ../shared/common.conf, mountPath: /c}]\n");
        DesiredState now = source.read();
        assertThat(now.errors()).isEmpty();
        assertThat(now.containers().get("web").spec().sources().files().get(0).content().text()).isEqualTo("c");
    }

    @Test
    void aDotenvErrorNamesTheEnvFilesPathAndLineButNotTheLine() throws IOException {
        write(secrets.resolve("app.env"), "A=1\n# ok\nTOKEN s3cret\n");
        manifest("envFrom: [{file: app.env}]");
        assertThat(errors()).containsExactly("web.yaml:7:20: spec.envFrom[0].file: " + secrets.resolve("app.env")
                + ":3: expected KEY=VALUE (a name of letters, digits and '_', not starting with a digit)");
    }

    @Test
    void anEnvValueMustBeText() throws IOException {
        Files.write(secrets.resolve("bin"), new byte[] {(byte) 0xff, 0x00});
        manifest("env: [{name: A, valueFrom: {file: bin}}]");
        assertThat(errors()).containsExactly("web.yaml:7:37: spec.env[0].valueFrom.file: " + secrets.resolve("bin")
                + " is not UTF-8 text (env values are text)");
    }

    @Test
    void noErrorOrToStringShowsContent() throws IOException {
        write(secrets.resolve("key"), "s3cret-content");
        manifest("secrets: [{source: key, mountPath: /k}]");
        DesiredState now = source.read();
        assertThat(now.toString()).doesNotContain("s3cret").contains(FileSources.class.getSimpleName());
    }
}
