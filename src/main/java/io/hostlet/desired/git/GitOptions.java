package io.hostlet.desired.git;

import io.hostlet.config.HostletConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of one {@link GitSource}, checked once. Plain data so that tests need no Quarkus config;
 * {@link #from} maps {@code hostlet.git.*} onto it (see {@link HostletConfig.Git} for each field's meaning).
 *
 * @param path the repository subfolder holding the manifests, {@code /}-separated without leading or trailing
 *             slash; empty for the root
 */
public record GitOptions(
        String url,
        String branch,
        String path,
        Duration pollInterval,
        Duration timeout,
        Path dir,
        Optional<String> username,
        Optional<Path> passwordFile,
        Optional<Path> sshKeyFile,
        Optional<Path> knownHostsFile,
        boolean allowForcePush,
        Optional<String> webhookSecret,
        Optional<Path> webhookSecretFile,
        boolean verifySignatures,
        Optional<Path> signingKeysFile) {

    public GitOptions {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("hostlet.git.url is empty");
        }
        if (branch == null || branch.isBlank() || branch.startsWith("refs/") || branch.contains("..")) {
            throw new IllegalArgumentException("hostlet.git.branch must be a branch name like main, not \"" + branch + "\"");
        }
        path = normalize(path);
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("hostlet.git.poll-interval must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("hostlet.git.timeout must be positive");
        }
        if (verifySignatures && signingKeysFile.isEmpty()) {
            throw new IllegalArgumentException("hostlet.git.verify-signatures=true needs hostlet.git.signing-keys-file");
        }
        if (webhookSecret.isPresent() && webhookSecretFile.isPresent()) {
            throw new IllegalArgumentException("set hostlet.git.webhook-secret or hostlet.git.webhook-secret-file, not both");
        }
    }

    /** The defaults for {@code url}, checked out under {@code dir}: branch main, the root, 60 s polls, no credentials. */
    public static GitOptions of(String url, Path dir) {
        return new GitOptions(url, "main", "", Duration.ofSeconds(60), Duration.ofSeconds(60), dir, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty(), false,
                Optional.empty());
    }

    /** The options from {@code hostlet.git.*}; {@code git.url()} must be present. */
    public static GitOptions from(HostletConfig.Git git) {
        return new GitOptions(git.url().orElseThrow(), git.branch(), git.path().orElse(""), git.pollInterval(),
                git.timeout(), git.dir(), git.username(), git.passwordFile(), git.sshKeyFile(), git.knownHostsFile(),
                git.allowForcePush(), git.webhookSecret(), git.webhookSecretFile(), git.verifySignatures(),
                git.signingKeysFile());
    }

    public GitOptions withBranch(String branch) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile, sshKeyFile,
                knownHostsFile, allowForcePush, webhookSecret, webhookSecretFile, verifySignatures, signingKeysFile);
    }

    public GitOptions withPath(String path) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile, sshKeyFile,
                knownHostsFile, allowForcePush, webhookSecret, webhookSecretFile, verifySignatures, signingKeysFile);
    }

    public GitOptions withPollInterval(Duration pollInterval) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile, sshKeyFile,
                knownHostsFile, allowForcePush, webhookSecret, webhookSecretFile, verifySignatures, signingKeysFile);
    }

    public GitOptions withPassword(String username, Path passwordFile) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, Optional.ofNullable(username),
                Optional.of(passwordFile), sshKeyFile, knownHostsFile, allowForcePush, webhookSecret, webhookSecretFile,
                verifySignatures, signingKeysFile);
    }

    public GitOptions withSsh(Path keyFile, Path knownHostsFile) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile,
                Optional.of(keyFile), Optional.of(knownHostsFile), allowForcePush, webhookSecret, webhookSecretFile,
                verifySignatures, signingKeysFile);
    }

    public GitOptions withAllowForcePush(boolean allow) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile, sshKeyFile,
                knownHostsFile, allow, webhookSecret, webhookSecretFile, verifySignatures, signingKeysFile);
    }

    public GitOptions withWebhookSecret(String secret) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile, sshKeyFile,
                knownHostsFile, allowForcePush, Optional.of(secret), Optional.empty(), verifySignatures, signingKeysFile);
    }

    public GitOptions withSigningKeys(Path keysFile) {
        return new GitOptions(url, branch, path, pollInterval, timeout, dir, username, passwordFile, sshKeyFile,
                knownHostsFile, allowForcePush, webhookSecret, webhookSecretFile, true, Optional.of(keysFile));
    }

    /** The full name of the followed branch. */
    public String ref() {
        return "refs/heads/" + branch;
    }

    private static String normalize(String path) {
        String p = path == null ? "" : path.trim().replace('\\', '/');
        while (p.startsWith("/") || p.startsWith("./")) {
            p = p.startsWith("/") ? p.substring(1) : p.substring(2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.equals(".")) {
            return "";
        }
        for (String part : p.split("/", -1)) {
            if (!p.isEmpty() && (part.isEmpty() || part.equals(".") || part.equals(".."))) {
                throw new IllegalArgumentException("hostlet.git.path must be a plain subfolder like deploy/host1, not \""
                        + path + "\"");
            }
        }
        return p;
    }
}
