package io.hostlet.desired.git;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;
import java.util.function.UnaryOperator;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With {@code hostlet.git.verify-signatures}, only heads signed by a key in the keys file are applied. */
@Timeout(120)
class GitSignatureTest {

    private static PGPKeyPair trusted;
    private static PGPKeyPair stranger;
    private static PGPKeyPair colleague;

    @TempDir
    Path tmp;

    private Upstream upstream;
    private GitSource source;

    @BeforeAll
    static void keys() throws Exception {
        trusted = keyPair();
        stranger = keyPair();
        colleague = keyPair();
    }

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream(tmp.resolve("upstream"));
        Path keys = Files.write(tmp.resolve("keys.asc"), concat(armoredPublicKey(colleague, "Colleague <c@example.com>"),
                armoredPublicKey(trusted, "Release <release@example.com>")));
        source = new GitSource(GitOptions.of(upstream.url(), tmp.resolve("checkout")).withSigningKeys(keys), java.time.Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        source.close();
        upstream.close();
    }

    @Test
    void aHeadSignedByAnAllowedKeyIsApplied() {
        RevCommit c = upstream.commitSigned("signed", files("web.yaml", manifest("web", "v1")), signer(trusted));
        upstream.pushTo("main", false);

        assertThat(source.sync()).as("%s", source.info().lastError()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(source.info().commit()).isEqualTo(c.name());
    }

    @Test
    void anyKeyInTheFileIsAllowedNotOnlyTheFirst() {
        upstream.commitSigned("signed", files("web.yaml", manifest("web", "v1")), signer(colleague));
        upstream.pushTo("main", false);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
    }

    @Test
    void anUnsignedHeadIsRefusedAndTheSignedOneStays() {
        RevCommit good = upstream.commitSigned("signed", files("web.yaml", manifest("web", "v1")), signer(trusted));
        upstream.pushTo("main", false);
        source.sync();

        RevCommit unsigned = upstream.push("unsigned", files("web.yaml", manifest("web", "v2")));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);
        assertThat(source.info().lastError()).isEqualTo("refused: commit " + unsigned.abbreviate(12).name() + " is not signed");
        source.read();
        assertThat(source.info().commit()).isEqualTo(good.name());
    }

    @Test
    void aHeadSignedByAnotherKeyIsRefused() {
        RevCommit c = upstream.commitSigned("stranger", files("web.yaml", manifest("web", "v1")), signer(stranger));
        upstream.pushTo("main", false);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);
        assertThat(source.info().lastError()).startsWith("refused: commit " + c.abbreviate(12).name() + " is signed by key ")
                .endsWith(", which is not in hostlet.git.signing-keys-file");
        assertThat(source.read().complete()).isFalse();
    }

    @Test
    void aSignatureOverOtherContentIsRefused() {
        // A valid signature by the trusted key, but lifted from another commit: the content does not match.
        RevCommit c = upstream.commitSigned("forged", files("web.yaml", manifest("web", "v1")),
                payload -> signer(trusted).apply("something else entirely".getBytes()));
        upstream.pushTo("main", false);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);
        assertThat(source.info().lastError()).startsWith("refused: commit " + c.abbreviate(12).name() + " has a bad signature");
    }

    @Test
    void theSignedPayloadIsTheCommitWithoutItsSignatureHeader() throws Exception {
        byte[][] signed = new byte[1][];
        RevCommit c = upstream.commitSigned("multi\n\nline message\n", files("web.yaml", manifest("web", "v1")), payload -> {
            signed[0] = payload;
            return signer(trusted).apply(payload);
        });

        assertThat(c.getRawGpgSignature()).isNotNull();
        assertThat(CommitSignatures.signedPayload(c.getRawBuffer())).isEqualTo(signed[0]);
        CommitBuilder plain = new CommitBuilder();
        plain.setTreeId(c.getTree());
        plain.setParentIds(c.getParents());
        plain.setAuthor(c.getAuthorIdent());
        plain.setCommitter(c.getCommitterIdent());
        plain.setMessage(c.getFullMessage());
        assertThat(CommitSignatures.signedPayload(c.getRawBuffer())).isEqualTo(plain.build());
    }

    @Test
    void aMissingKeysFileStopsStartup() {
        GitOptions options = GitOptions.of(upstream.url(), tmp.resolve("other")).withSigningKeys(tmp.resolve("nope.asc"));
        assertThatThrownBy(() -> new GitSource(options, java.time.Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostlet.git.signing-keys-file");
    }

    @Test
    void verifyingWithoutAKeysFileIsAConfigurationError() {
        assertThatThrownBy(() -> new GitOptions(upstream.url(), "main", "", java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1), tmp, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), false, java.util.Optional.empty(),
                java.util.Optional.empty(), true, java.util.Optional.empty()))
                .hasMessageContaining("hostlet.git.signing-keys-file");
    }

    @Test
    void aCommitSignedByRealGitAndGpgIsVerified() throws Exception {
        Assumptions.assumeTrue(onPath("gpg") && onPath("git"), "needs the gpg and git programs");
        Path home = Files.createDirectories(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path work = Files.createDirectories(tmp.resolve("cli-work"));
        try {
            run(home, work, "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                    "Real <real@example.com>", "rsa2048", "sign", "never");
            Path keys = tmp.resolve("real.asc");
            Files.writeString(keys, run(home, work, "gpg", "--armor", "--export", "real@example.com"));
            run(home, work, "git", "init", "-q", "-b", "main");
            Files.writeString(work.resolve("web.yaml"), manifest("web", "v1"));
            run(home, work, "git", "add", "web.yaml");
            run(home, work, "git", "-c", "user.name=Real", "-c", "user.email=real@example.com", "-c",
                    "user.signingkey=real@example.com", "commit", "-q", "-S", "-m", "signed by git itself");
            run(home, work, "git", "push", "-q", upstream.url(), "HEAD:refs/heads/main");

            try (GitSource real = new GitSource(GitOptions.of(upstream.url(), tmp.resolve("real")).withSigningKeys(keys), java.time.Clock.systemUTC())) {
                assertThat(real.sync()).as("%s", real.info().lastError()).isEqualTo(GitSource.SyncResult.APPLIED);
            }
        } finally {
            ProcessBuilder kill = new ProcessBuilder("gpgconf", "--kill", "gpg-agent").inheritIO();
            kill.environment().put("GNUPGHOME", home.toString()); // this test's agent, nobody else's
            kill.start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    private static String run(Path gnupgHome, Path dir, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GNUPGHOME", gnupgHome.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    // ---- OpenPGP in the test, with Bouncy Castle: what gpg would do ----

    private static PGPKeyPair keyPair() throws Exception {
        RSAKeyPairGenerator g = new RSAKeyPairGenerator();
        g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 80));
        return new BcPGPKeyPair(PGPPublicKey.RSA_GENERAL, g.generateKeyPair(), new Date());
    }

    private static byte[] armoredPublicKey(PGPKeyPair key, String userId) throws Exception {
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, key, userId,
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), null, null,
                new BcPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256), null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = new ArmoredOutputStream(out)) {
            rings.generatePublicKeyRing().encode(armor);
        }
        return out.toByteArray();
    }

    /** A detached, armored signature over the bytes given, as {@code gpg --detach-sign --armor} writes it. */
    private static UnaryOperator<byte[]> signer(PGPKeyPair key) {
        return data -> {
            try {
                PGPSignatureGenerator g = new PGPSignatureGenerator(
                        new BcPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256), key.getPublicKey());
                g.init(PGPSignature.BINARY_DOCUMENT, key.getPrivateKey());
                g.update(data);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ArmoredOutputStream armor = new ArmoredOutputStream(out)) {
                    g.generate().encode(armor);
                }
                return out.toByteArray();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static byte[] concat(byte[] a, byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(a);
        out.write(b);
        return out.toByteArray();
    }
}
