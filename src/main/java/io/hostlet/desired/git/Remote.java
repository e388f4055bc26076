package io.hostlet.desired.git;

import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local bare repository under {@code dir/repo.git} and the one remote branch it mirrors. Fetches go to the
 * configured URL every time (no remote is stored, so a changed URL or token takes effect at once) and update
 * {@code refs/remotes/origin/<branch>} even when the branch was rewritten; whether a rewritten head may be
 * applied is {@link GitSource}'s decision. The applied commit is kept reachable under {@code refs/hostlet/applied}
 * so that a force-push cannot make it vanish.
 */
final class Remote implements AutoCloseable {

    private static final String APPLIED = "refs/hostlet/applied";

    private final GitOptions options;
    private final Repository repo;
    private SshdSessionFactory ssh;

    Remote(GitOptions options) throws IOException {
        this.options = options;
        File gitDir = options.dir().resolve("repo.git").toFile();
        if (new File(gitDir, "HEAD").isFile()) {
            clearStaleLocks(gitDir.toPath());
            repo = new FileRepository(gitDir);
        } else {
            try {
                repo = Git.init().setBare(true).setGitDir(gitDir).setInitialBranch(options.branch()).call().getRepository();
            } catch (GitAPIException e) {
                throw new IOException("cannot create " + gitDir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Deletes the {@code *.lock} files a killed fetch leaves behind: with one, every later ref update fails. Only
     * this hostlet uses the repository, and it has not opened it yet, so no lock can be live.
     */
    private static void clearStaleLocks(Path gitDir) throws IOException {
        try (var files = Files.walk(gitDir, 8)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p)
                        && !p.startsWith(gitDir.resolve("objects"))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    Repository repository() {
        return repo;
    }

    /** Fetches the branch and returns its head. */
    ObjectId fetch() throws SyncException {
        String location = Urls.redact(options.url());
        String tracking = "refs/remotes/origin/" + options.branch();
        try (Git git = Git.wrap(repo)) {
            FetchCommand fetch = git.fetch()
                    .setRemote(options.url())
                    .setRefSpecs(new RefSpec("+" + options.ref() + ":" + tracking))
                    .setTagOpt(TagOpt.NO_TAGS)
                    .setCheckFetchedObjects(true)
                    .setRemoveDeletedRefs(false)
                    .setTimeout((int) Math.max(1, options.timeout().toSeconds()));
            if (options.passwordFile().isPresent()) {
                fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(options.username().orElse("git"),
                        password(options.passwordFile().get())));
            }
            fetch.setTransportConfigCallback(t -> {
                if (t instanceof SshTransport s) {
                    s.setSshSessionFactory(sshFactory());
                }
            });
            FetchResult result = fetch.call();
            Ref head = result.getAdvertisedRef(options.ref());
            if (head == null || head.getObjectId() == null) {
                throw new SyncException("branch " + options.branch() + " not found at " + location, SyncException.Kind.FETCH);
            }
            return head.getObjectId();
        } catch (GitAPIException | RuntimeException e) {
            throw new SyncException("fetch from " + location + " failed: " + scrub(rootMessage(e)), SyncException.Kind.FETCH, e);
        }
    }

    RevCommit parse(ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.parseCommit(id);
        }
    }

    /** Whether {@code head} descends from (or is) {@code applied}; false when {@code applied} is not in the repository. */
    boolean isFastForward(ObjectId applied, ObjectId head) throws IOException {
        if (!repo.getObjectDatabase().has(applied)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(applied), walk.parseCommit(head));
        }
    }

    /** Keeps {@code commit} reachable (and so out of any gc) while it is in force. */
    void markApplied(ObjectId commit) throws IOException {
        RefUpdate u = repo.updateRef(APPLIED);
        u.setNewObjectId(commit);
        u.setForceUpdate(true);
        RefUpdate.Result r = u.update();
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.FAST_FORWARD
                && r != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("cannot update " + APPLIED + ": " + r);
        }
    }

    /** The subject line of {@code commit}, or null when the repository does not have it. */
    String subject(ObjectId commit) {
        try {
            return parse(commit).getShortMessage();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String password(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read hostlet.git.password-file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * An ssh client that offers only the configured key and accepts only hosts listed in the known_hosts file
     * (strict checking: an unknown or changed key fails the fetch and nothing is learnt).
     */
    private synchronized SshdSessionFactory sshFactory() {
        if (ssh == null) {
            File home = FS.DETECTED.userHome();
            File sshDir = new File(home, ".ssh");
            Path knownHosts = options.knownHostsFile().orElse(sshDir.toPath().resolve("known_hosts")).toAbsolutePath();
            StringBuilder config = new StringBuilder("Host *\n")
                    .append("  StrictHostKeyChecking yes\n")
                    .append("  BatchMode yes\n")
                    .append("  UserKnownHostsFile ").append(quote(knownHosts)).append('\n');
            options.sshKeyFile().ifPresent(key -> config
                    .append("  IdentityFile ").append(quote(key.toAbsolutePath())).append('\n')
                    .append("  IdentitiesOnly yes\n"));
            Path configFile = options.dir().resolve("ssh_config");
            try {
                Files.writeString(configFile, config, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + configFile + ": " + e.getMessage(), e);
            }
            ssh = new SshdSessionFactoryBuilder()
                    .setHomeDirectory(home)
                    .setSshDirectory(sshDir)
                    .setConfigFile(h -> configFile.toFile())
                    .setDefaultKnownHostsFiles(d -> List.of(knownHosts))
                    .build(null);
        }
        return ssh;
    }

    private static String quote(Path p) {
        return "\"" + p.toString().replace("\"", "") + "\"";
    }

    /** The messages along the cause chain: JGit wraps the telling one two or three deep. */
    private static String rootMessage(Throwable e) {
        java.util.LinkedHashSet<String> parts = new java.util.LinkedHashSet<>();
        for (Throwable c = e; c != null && parts.size() < 4; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.isBlank() && parts.stream().noneMatch(p -> p.contains(m))) {
                parts.add(m.strip());
            }
        }
        return parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts);
    }

    /** Takes credentials a URL may carry out of a message before it reaches a log or status. */
    private String scrub(String message) {
        String out = message.replace(options.url(), Urls.redact(options.url()));
        return Urls.redactAll(out);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (ssh != null) {
                ssh.close();
                ssh = null;
            }
        }
        repo.close();
    }
}
