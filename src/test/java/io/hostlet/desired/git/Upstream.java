package io.hostlet.desired.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real repository for tests: a bare "server" repository ({@code origin.git}) and a working clone that commits
 * and pushes to it, both made with JGit in a temporary folder.
 */
final class Upstream implements AutoCloseable {

    private static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.com");

    private final Path root;
    private final Path bare;
    private Git work;
    private int clones;

    Upstream(Path root) {
        this.root = root;
        this.bare = root.resolve("origin.git");
        try {
            Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
            work = freshWorkTree();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bare repository. */
    Path bare() {
        return bare;
    }

    /** {@code file:///…/origin.git}. */
    String url() {
        return bare.toUri().toString();
    }

    /** A manifest for a busybox container whose {@code MODE} env says what version it is. */
    static String manifest(String name, String mode) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: %s}
                spec:
                  image: busybox:1
                  env: [{name: MODE, value: "%s"}]
                """.formatted(name, mode);
    }

    /** Writes the files ({@code null} content deletes), commits on the current branch and pushes it to main. */
    RevCommit push(String message, Map<String, String> files) {
        RevCommit c = commit(message, files);
        pushTo("main", false);
        return c;
    }

    /** Creates symbolic links (name to target, as written) in the work tree, commits them and pushes to main. */
    RevCommit pushLinks(String message, Map<String, String> links) {
        try {
            Path dir = work.getRepository().getWorkTree().toPath();
            for (Map.Entry<String, String> l : links.entrySet()) {
                Path p = dir.resolve(l.getKey());
                Files.createDirectories(p.getParent());
                Files.createSymbolicLink(p, Path.of(l.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return push(message, Map.of());
    }

    /** Commits without pushing. */
    RevCommit commit(String message, Map<String, String> files) {
        try {
            Path dir = work.getRepository().getWorkTree().toPath();
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                if (f.getValue() == null) {
                    Files.deleteIfExists(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
                }
            }
            work.add().addFilepattern(".").call();
            return work.commit().setAll(true).setAllowEmpty(true).setMessage(message).setAuthor(AUTHOR)
                    .setCommitter(AUTHOR).setSign(false).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Commits like {@link #commit} and then rewrites that commit with a {@code gpgsig} header made by
     * {@code signer} over the commit's bytes (what {@code git commit -S} does); the branch points at the signed one.
     */
    RevCommit commitSigned(String message, Map<String, String> files, UnaryOperator<byte[]> signer) {
        RevCommit unsigned = commit(message, files);
        try (ObjectInserter ins = work.getRepository().newObjectInserter()) {
            CommitBuilder b = new CommitBuilder();
            b.setTreeId(unsigned.getTree());
            b.setParentIds(unsigned.getParents());
            b.setAuthor(unsigned.getAuthorIdent());
            b.setCommitter(unsigned.getCommitterIdent());
            b.setMessage(unsigned.getFullMessage());
            byte[] armored = signer.apply(b.build());
            b.setGpgSignature(new GpgSignature(armored));
            ObjectId id = ins.insert(b);
            ins.flush();
            RefUpdate u = work.getRepository().updateRef(work.getRepository().getFullBranch());
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            u.update();
            try (var walk = new org.eclipse.jgit.revwalk.RevWalk(work.getRepository())) {
                return walk.parseCommit(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pushes the local branch to {@code branch} on the server, with {@code +} when {@code force}. */
    void pushTo(String branch, boolean force) {
        try {
            String local = work.getRepository().getFullBranch();
            work.push().setRemote(url()).setForce(force)
                    .setRefSpecs(new RefSpec((force ? "+" : "") + local + ":refs/heads/" + branch)).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Points {@code branch} on the server at {@code commit} (which the work tree has). */
    void pushCommit(ObjectId commit, String branch, boolean force) {
        try {
            if (!work.getRepository().getObjectDatabase().has(commit)) {
                // JGit's in-process file:// push waits forever for an object the sender does not have
                throw new IllegalArgumentException(commit.name() + " is not in the current work tree");
            }
            work.push().setRemote(url()).setForce(force)
                    .setRefSpecs(new RefSpec((force ? "+" : "") + commit.name() + ":refs/heads/" + branch)).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets {@code branch} on the server to {@code commit} directly, as an admin's {@code update-ref} would. */
    void resetBranch(ObjectId commit, String branch) {
        try (var repo = new org.eclipse.jgit.internal.storage.file.FileRepository(bare.toFile())) {
            RefUpdate u = repo.updateRef("refs/heads/" + branch);
            u.setNewObjectId(commit);
            u.setForceUpdate(true);
            u.update();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code branch} on the server. */
    void deleteBranch(String branch) {
        try {
            work.push().setRemote(url()).setRefSpecs(new RefSpec(":refs/heads/" + branch)).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts over in a new, empty work tree whose history shares nothing with what was pushed before: the next
     * {@code pushTo("main", true)} replaces the branch with an unrelated history.
     */
    void startUnrelatedHistory() {
        work.close();
        work = freshWorkTree();
    }

    private Git freshWorkTree() {
        try {
            return Git.init().setDirectory(root.resolve("work-" + (clones++)).toFile()).setInitialBranch("main").call();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> files(String... pathsAndContents) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            m.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        work.close();
    }
}
