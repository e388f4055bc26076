package io.hostlet.desired.git;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GitSource} fetching over ssh (JGit's Apache MINA sshd client) from an in-process sshd server on
 * 127.0.0.1 that runs JGit's upload-pack: key authentication and strict known-hosts checking.
 */
@Timeout(120)
class GitSshTest {

    @TempDir
    Path tmp;

    private Upstream upstream;
    private SshServer sshd;
    private KeyPair hostKey;
    private KeyPair clientKey;
    private final List<GitSource> sources = new ArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        upstream = new Upstream(tmp.resolve("upstream"));
        hostKey = rsa();
        clientKey = rsa();
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        sshd.setCommandFactory((channel, command) -> new UploadPackCommand(upstream.bare(), command));
        sshd.start();
    }

    @AfterEach
    void stop() throws Exception {
        sources.forEach(GitSource::close);
        sshd.stop(true);
        upstream.close();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private String url() {
        return "ssh://git@127.0.0.1:" + sshd.getPort() + "/origin.git";
    }

    private Path privateKeyFile(KeyPair key) throws Exception {
        Path file = tmp.resolve("id_rsa-" + System.nanoTime());
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "hostlet-test", null, out);
        }
        return file;
    }

    private Path knownHosts(KeyPair host) throws Exception {
        Path file = tmp.resolve("known_hosts-" + System.nanoTime());
        Files.writeString(file, "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(host.getPublic()) + "\n");
        return file;
    }

    private GitSource source(GitOptions options) {
        GitSource s = new GitSource(options, java.time.Clock.systemUTC());
        sources.add(s);
        return s;
    }

    @Test
    void theConfiguredKeyAndAKnownHostFetchTheBranch() throws Exception {
        RevCommit v1 = upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(GitOptions.of(url(), tmp.resolve("checkout"))
                .withSsh(privateKeyFile(clientKey), knownHosts(hostKey)));

        assertThat(source.sync()).as("%s", source.info().lastError()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(source.read().containers()).containsOnlyKeys("web");
        assertThat(source.info().commit()).isEqualTo(v1.name());
        assertThat(source.info().location()).isEqualTo("ssh://127.0.0.1:" + sshd.getPort() + "/origin.git");
    }

    @Test
    void aHostWhoseKeyIsNotInKnownHostsIsRefusedAndNotLearnt() throws Exception {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        Path knownHosts = knownHosts(rsa()); // lists another key for this host
        String before = Files.readString(knownHosts);
        GitSource source = source(GitOptions.of(url(), tmp.resolve("checkout"))
                .withSsh(privateKeyFile(clientKey), knownHosts));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(source.info().lastError()).isNotNull();
        assertThat(source.read().complete()).isFalse();
        assertThat(Files.readString(knownHosts)).isEqualTo(before);
    }

    @Test
    void anEmptyKnownHostsFileRefusesEveryHost() throws Exception {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        Path knownHosts = Files.writeString(tmp.resolve("empty_known_hosts"), "");
        GitSource source = source(GitOptions.of(url(), tmp.resolve("checkout"))
                .withSsh(privateKeyFile(clientKey), knownHosts));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(Files.readString(knownHosts)).isEmpty();
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRejected() throws Exception {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(GitOptions.of(url(), tmp.resolve("checkout"))
                .withSsh(privateKeyFile(rsa()), knownHosts(hostKey)));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(source.info().lastError()).isNotNull();
    }

    /** {@code git-upload-pack '/origin.git'}: JGit's upload-pack over the channel, for the one test repository. */
    private static final class UploadPackCommand implements Command {
        private final Path repo;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Path repo, String command) {
            this.repo = repo;
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                if (!command.startsWith("git-upload-pack")) {
                    try {
                        err.write(("unsupported: " + command + "\n").getBytes(StandardCharsets.UTF_8));
                        err.flush();
                    } catch (Exception ignored) {
                        // the client sees the exit code
                    }
                    exit.onExit(1);
                    return;
                }
                try (Repository r = new FileRepository(repo.toFile())) {
                    new UploadPack(r).upload(in, out, err);
                    out.flush();
                    exit.onExit(0);
                } catch (Exception e) {
                    exit.onExit(1, String.valueOf(e.getMessage()));
                }
            }, "test-upload-pack");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
