package io.hostlet.desired.git;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.DesiredState;
import io.hostlet.desired.Assembler;
import io.hostlet.desired.FolderReader;
import io.hostlet.desired.FolderSource;
import io.hostlet.desired.SecretsWatch;
import io.hostlet.desired.SourceFiles;
import io.hostlet.desired.SourceInfo;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import io.hostlet.policy.Policy;

/**
 * Desired state from one branch of a git repository: the manifest files of the materialized tree of the commit in
 * force ({@code dir/current/<path>}, see {@link Checkout}), read by a {@link FolderReader} and made a desired state
 * by the {@link Assembler}, as a folder's are.
 *
 * <p>A background thread fetches every poll interval, and at once when a webhook asks ({@link #requestSync}).
 * A new head is checked (fast-forward of the applied commit unless force-pushes are allowed; signed by an allowed
 * key when signatures are verified), its tree is written beside the old one and {@code current} is switched in one
 * rename; then the reconciler is asked for a pass. Anything that goes wrong — network, authentication, branch
 * gone, a refused head — leaves the applied commit in force and shows in {@link SourceInfo#lastError}; fetch
 * failures are retried from 5 s, doubling up to the poll interval.
 *
 * <p>Until the first successful sync, {@link #read} says the state is unknown (nothing is removed, readiness is
 * down). After a restart the tree on disk is in force at once, before any fetch: its containers are adopted as
 * they are, since a container's spec hash does not depend on the commit.
 *
 * <p>Manifest errors are those of the commit named by {@link #info()}{@code .commit()}: {@link #read} and
 * {@link #info} always describe the same tree. A file with errors keeps its last good version, possibly from an
 * earlier commit (the assembler's rule).
 */
public final class GitSource implements DesiredSource {

    private static final Logger LOG = Logger.getLogger(GitSource.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final String ORIGIN_FILE = "origin";
    /**
     * Webhook-requested fetches are at least this far apart: a burst of pushes (or a replayed flood) costs one fetch
     * now and one at the end of the quiet period, which picks up everything pushed meanwhile. Polls keep their own
     * interval.
     */
    static final Duration MIN_FETCH_GAP = Duration.ofSeconds(5);

    /** How one sync went. */
    public enum SyncResult {
        /** A new commit is in force. */
        APPLIED,
        /** The branch head is the commit in force. */
        UNCHANGED,
        /** The head was fetched but not applied (see {@link SourceInfo#lastError}); tried again at the next poll. */
        REFUSED,
        /** The fetch failed; retried with backoff. */
        FAILED
    }

    /** What a webhook request came to. */
    public enum Verdict { ACCEPTED, IGNORED, UNAUTHORIZED }

    /** A webhook's outcome and a sentence for its caller. */
    public record WebhookResult(Verdict verdict, String message) {
    }

    private final GitOptions options;
    private final Clock clock;
    private final String location;
    private final Checkout checkout;
    private final Remote remote;
    /** Reads the manifest files of the tree in force (its path under {@code current}). */
    private final FolderReader tree;
    /** Each file's last good version, as of the last assembly; guarded by {@link #treeLock}. */
    private Assembler.LastGood lastGood = Assembler.LastGood.NONE;
    private final SecretsWatch secrets;
    private final CommitSignatures signatures;
    private final Duration minFetchGap;
    private final DeliveryIds deliveries = new DeliveryIds();

    /** Held while the folder is read and while {@code current} is switched: a read never spans a switch. */
    private final Object treeLock = new Object();
    /** One sync at a time, whoever asks. */
    private final Object syncLock = new Object();
    private final Object wake = new Object();
    private boolean wakeRequested;
    /** Fetches asked of the poller since start; guarded by {@link #wake}. */
    private long syncRequests;
    /** When the last requested (webhook) fetch was let through ({@link System#nanoTime}); guarded by {@link #wake}. */
    private long lastRequestedNanos;
    private boolean anyRequested;
    /** Syncs begun since start, for tests and status. */
    private final java.util.concurrent.atomic.AtomicLong syncs = new java.util.concurrent.atomic.AtomicLong();

    private volatile ObjectId applied;
    private volatile String appliedSubject;
    private volatile ObjectId readCommit;
    /** Whether the tree in force has been assembled; guarded by {@link #treeLock}. */
    private boolean readSinceSwitch;
    private volatile String readSubject;
    private volatile Instant fetchedAt;
    private volatile String lastError;
    private volatile Runnable onChange = () -> { };
    private Thread poller;
    private volatile boolean closed;

    /**
     * Opens (or creates) the local repository under {@code options.dir()} and adopts the tree in force there, if
     * it was synced from the same URL, branch and path. Throws on settings that can never work (unreadable key or
     * secret files, a folder that cannot be created), so a mistake stops hostlet at startup.
     */
    public GitSource(GitOptions options, Clock clock) {
        this(options, clock, MIN_FETCH_GAP);
    }

    /** As {@link #GitSource(GitOptions, Clock)}, with webhook-requested fetches at least {@code minFetchGap} apart. */
    GitSource(GitOptions options, Clock clock, Duration minFetchGap) {
        this(options, clock, minFetchGap, Policy.baseline());
    }

    /** As {@link #GitSource(GitOptions, Clock)}, with manifests checked against {@code policy}. */
    public GitSource(GitOptions options, Clock clock, Policy policy) {
        this(options, clock, MIN_FETCH_GAP, policy);
    }

    /**
     * As {@link #GitSource(GitOptions, Clock, Policy)}, reading secrets with {@code sourceFiles} (the checkout is added
     * to the trees they must not come from).
     */
    public GitSource(GitOptions options, Clock clock, Policy policy, SourceFiles sourceFiles) {
        this(options, clock, MIN_FETCH_GAP, policy, sourceFiles);
    }

    GitSource(GitOptions options, Clock clock, Duration minFetchGap, Policy policy) {
        this(options, clock, minFetchGap, policy, new SourceFiles(SourceFiles.DEFAULT_DIR, List.of()));
    }

    GitSource(GitOptions options, Clock clock, Duration minFetchGap, Policy policy, SourceFiles sourceFiles) {
        this.options = options;
        this.clock = clock;
        this.minFetchGap = minFetchGap;
        this.location = Urls.redact(options.url());
        try {
            Files.createDirectories(options.dir());
            this.checkout = new Checkout(options.dir());
            this.remote = new Remote(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use hostlet.git.dir " + options.dir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
        this.signatures = options.signingKeysFile().filter(f -> options.verifySignatures()).map(CommitSignatures::new).orElse(null);
        webhookSecret(); // fail now rather than at the first webhook
        Path current = checkout.current();
        this.tree = new FolderReader(options.path().isEmpty() ? current : current.resolve(options.path()), policy,
                sourceFiles.alsoRefusing(options.dir()));
        this.secrets = new SecretsWatch(sourceFiles.secretsDir(), FolderSource.WATCH_DEBOUNCE);
        adopt();
    }

    private void adopt() {
        Optional<ObjectId> onDisk = checkout.currentCommit();
        if (onDisk.isEmpty()) {
            return;
        }
        String before = readOrigin();
        if (!origin().equals(before)) {
            // Another repository, branch or path: that tree is not this configuration's state.
            LOG.infof("git source changed (was %s, now %s): waiting for the first sync", describe(before), describe(origin()));
            clearTrees();
            return;
        }
        if (!verified(onDisk.get())) {
            // A tree half-written before a crash (or damaged since) must not become desired state: write it again.
            LOG.warnf("the tree of commit %s in %s does not match the commit (a crash while it was written?):"
                    + " waiting for the first sync, which writes it again", onDisk.get().abbreviate(12).name(), options.dir());
            clearTrees();
            return;
        }
        applied = onDisk.get();
        appliedSubject = remote.subject(applied);
        LOG.infof("using commit %s from %s until the first fetch", applied.abbreviate(12).name(), options.dir());
    }

    /** Whether the tree of {@code commit} on disk is whole (see {@link Checkout#complete}). */
    private boolean verified(ObjectId commit) {
        try (ObjectReader reader = remote.repository().newObjectReader()) {
            return checkout.complete(reader, remote.parse(commit), options.path());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Forgets every tree on disk: the next sync writes the one in force afresh. */
    private void clearTrees() {
        try {
            Files.deleteIfExists(checkout.current());
            checkout.prune(Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + options.dir() + ": " + e.getMessage(), e);
        }
    }

    // ---- DesiredSource ----

    @Override
    public DesiredState read() {
        synchronized (treeLock) {
            ObjectId commit = applied;
            if (commit == null) {
                String error = lastError;
                return DesiredState.unknown("waiting for the first git sync" + (error == null ? "" : ": " + error));
            }
            DesiredState state = assemble();
            readCommit = commit;
            readSubject = appliedSubject;
            readSinceSwitch = true;
            return state;
        }
    }

    /**
     * The desired state of the tree in force: its files read and handed to the {@link Assembler} with the last good
     * versions, which it moves on. A tree that cannot be read is an incomplete state (nothing is removed), and the
     * last good versions stay. Called with {@link #treeLock} held.
     */
    private DesiredState assemble() {
        Assembler.Read read;
        try {
            read = tree.read(FolderReader.Stamps.UNUSED); // nothing watches a tree: it changes only with commits
        } catch (FolderReader.UnreadableFolder e) {
            return DesiredState.unknown(e.getMessage());
        }
        Assembler.Result result = Assembler.assemble(read, lastGood);
        lastGood = result.lastGood();
        return result.state();
    }

    @Override
    public SourceInfo info() {
        ObjectId commit = readCommit;
        String subject = readSubject;
        if (commit == null) {
            commit = applied;
            subject = appliedSubject;
        }
        return new SourceInfo("git", location, options.branch(), commit == null ? null : commit.name(), subject,
                fetchedAt, lastError);
    }

    /** Starts the poller; its first fetch is at once. */
    @Override
    public synchronized void start(Runnable onChange) {
        this.onChange = Objects.requireNonNull(onChange);
        if (poller == null && !closed) {
            poller = new Thread(this::loop, "hostlet-git");
            poller.setDaemon(true);
            poller.start();
        }
        // The tree changes only with commits, but secrets change beside it: their notice asks for a pass too.
        secrets.start(onChange);
    }

    @Override
    public void close() {
        secrets.close();
        Thread t;
        synchronized (this) {
            closed = true;
            t = poller;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                // A fetch stuck in network I/O: do not wait for its timeout to stop; the daemon thread dies with
                // the JVM, and stale lock files are cleared when the repository is next opened.
                LOG.debug("a fetch is still running; leaving it");
                return;
            }
        }
        synchronized (syncLock) {
            remote.close();
        }
    }

    // ---- syncing ----

    /**
     * Asks the poller to fetch now, or at the end of the quiet period ({@link #MIN_FETCH_GAP} after the last
     * requested fetch); requests made meanwhile or while a fetch runs coalesce into one more, so none is lost.
     */
    public void requestSync() {
        synchronized (wake) {
            syncRequests++;
            wakeRequested = true;
            wake.notifyAll();
        }
    }

    /**
     * How many times a fetch was asked of the poller ({@link #requestSync}, which is all a webhook can do): lets a
     * test see at once that a request asked for nothing, where waiting to see no fetch happen would take a guess.
     */
    long syncRequests() {
        synchronized (wake) {
            return syncRequests;
        }
    }

    /** Fetches and, when the head changed and may be applied, switches to it — now, on the calling thread. */
    public SyncResult sync() {
        synchronized (syncLock) {
            if (closed) {
                return SyncResult.FAILED;
            }
            SyncResult result;
            String error = null;
            syncs.incrementAndGet();
            try {
                ObjectId head = remote.fetch();
                fetchedAt = clock.instant();
                result = apply(head) ? SyncResult.APPLIED : SyncResult.UNCHANGED;
            } catch (SyncException e) {
                error = e.getMessage();
                result = e.kind() == SyncException.Kind.REFUSED ? SyncResult.REFUSED : SyncResult.FAILED;
            } catch (IOException | RuntimeException e) {
                error = "sync failed: " + e;
                result = SyncResult.FAILED;
                LOG.debug("sync failed", e);
            }
            boolean errorChanged = !Objects.equals(error, lastError);
            if (errorChanged) {
                if (error != null) {
                    LOG.warnf("git %s: %s (%s)", location, error, applied == null ? "no commit applied yet"
                            : "commit " + applied.abbreviate(12).name() + " stays in force");
                } else {
                    LOG.infof("git %s: syncing again", location);
                }
            }
            lastError = error;
            if (result == SyncResult.APPLIED || errorChanged) {
                onChange.run(); // a pass applies the new tree, or at least shows why not
            }
            return result;
        }
    }

    private boolean apply(ObjectId head) throws IOException, SyncException {
        ObjectId previous = applied;
        if (head.equals(previous)) {
            return false;
        }
        RevCommit commit = remote.parse(head);
        if (previous != null && !options.allowForcePush() && !remote.isFastForward(previous, head)) {
            throw new SyncException("refused: " + head.abbreviate(12).name() + " is not a fast-forward of "
                    + previous.abbreviate(12).name() + " (the branch was force-pushed or replaced; set"
                    + " hostlet.git.allow-force-push=true to apply such a head)", SyncException.Kind.REFUSED);
        }
        if (signatures != null) {
            signatures.check(commit);
        }
        try (ObjectReader reader = remote.repository().newObjectReader()) {
            checkout.materialize(reader, commit, options.path());
        }
        remote.markApplied(head);
        writeOrigin();
        synchronized (treeLock) {
            if (previous != null && !readSinceSwitch) {
                // Two commits landed between passes: assemble the one going out of force first, so that the last
                // good version of each file is that of the newest commit where the file was good.
                assemble();
            }
            checkout.switchTo(head);
            applied = head;
            appliedSubject = commit.getShortMessage();
            readSinceSwitch = false;
        }
        Set<ObjectId> keep = new HashSet<>();
        keep.add(head);
        if (previous != null) {
            keep.add(previous);
        }
        try {
            checkout.prune(keep);
        } catch (IOException e) {
            LOG.debugf("pruning old trees: %s", e.getMessage()); // retried after the next switch
        }
        LOG.infof("git %s: applied %s \"%s\"%s", location, head.abbreviate(12).name(), commit.getShortMessage(),
                previous == null ? "" : " (was " + previous.abbreviate(12).name() + ")");
        return true;
    }

    private void loop() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            SyncResult result = sync();
            Duration delay = options.pollInterval();
            if (result == SyncResult.FAILED) {
                delay = min(retry, options.pollInterval());
                retry = min(retry.multipliedBy(2), options.pollInterval());
            } else {
                retry = FIRST_RETRY;
            }
            try {
                await(delay);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Waits until {@code delay} has passed, or a requested fetch is due: at once, unless the last requested fetch
     * was let through less than {@link #minFetchGap} ago, then at the end of that gap (the request stays pending
     * until then). Polls do not count: a webhook right after a poll still fetches at once.
     */
    private void await(Duration delay) throws InterruptedException {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (wake) {
            while (true) {
                long now = System.nanoTime();
                long until = deadline;
                if (wakeRequested) {
                    long earliest = anyRequested ? lastRequestedNanos + minFetchGap.toNanos() : now;
                    if (earliest - now <= 0) {
                        lastRequestedNanos = now;
                        anyRequested = true;
                        break;
                    }
                    until = deadline - earliest < 0 ? deadline : earliest;
                }
                long nanos = until - now;
                if (nanos <= 0) {
                    break;
                }
                wake.wait(Math.max(1, Duration.ofNanos(nanos).toMillis()));
            }
            wakeRequested = false;
        }
    }

    /** How many syncs have begun since this source was made. */
    long syncCount() {
        return syncs.get();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    // ---- webhook ----

    /**
     * Handles a webhook request: checks its signature when a secret is configured, ignores pushes to other
     * branches and repeated deliveries (see {@link DeliveryIds}), and otherwise asks for a fetch (paced, see
     * {@link #requestSync}). Only a fetch is triggered: the request's content never becomes
     * desired state, so the worst a forged request could do is make hostlet fetch.
     */
    public WebhookResult webhook(Function<String, String> header, byte[] body) {
        Optional<byte[]> secret;
        try {
            secret = webhookSecret();
        } catch (RuntimeException e) {
            LOG.warnf("webhook refused: %s", e.getMessage());
            return new WebhookResult(Verdict.UNAUTHORIZED, "the webhook secret cannot be read");
        }
        if (secret.isPresent() && !WebhookCheck.authentic(secret.get(), header, body)) {
            return new WebhookResult(Verdict.UNAUTHORIZED, "missing or wrong signature or token");
        }
        Optional<String> ref = WebhookCheck.ref(body);
        if (ref.isPresent() && !ref.get().equals(options.ref())) {
            return new WebhookResult(Verdict.IGNORED, "ignored: " + ref.get() + " is not " + options.ref());
        }
        // After the signature check, so that forged requests cannot evict real ids from the bounded memory.
        Optional<String> delivery = DeliveryIds.of(header);
        if (delivery.isPresent() && !deliveries.firstTime(delivery.get())) {
            return new WebhookResult(Verdict.IGNORED, "ignored: this delivery was handled already");
        }
        requestSync();
        return new WebhookResult(Verdict.ACCEPTED, "fetch of " + options.ref() + " requested");
    }

    private Optional<byte[]> webhookSecret() {
        if (options.webhookSecret().isPresent()) {
            return Optional.of(checkedSecret(options.webhookSecret().get(), "hostlet.git.webhook-secret"));
        }
        if (options.webhookSecretFile().isPresent()) {
            Path file = options.webhookSecretFile().get();
            try {
                return Optional.of(checkedSecret(Files.readString(file, StandardCharsets.UTF_8).strip(),
                        "hostlet.git.webhook-secret-file " + file));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read hostlet.git.webhook-secret-file " + file + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    private static byte[] checkedSecret(String secret, String where) {
        if (secret.isBlank()) {
            throw new IllegalStateException(where + " is empty");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    // ---- where the tree on disk came from ----

    private String origin() {
        return "url=" + location.replaceAll("/+$", "") + "\nbranch=" + options.branch() + "\npath=" + options.path() + "\n";
    }

    private String readOrigin() {
        try {
            return Files.readString(options.dir().resolve(ORIGIN_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    private void writeOrigin() throws IOException {
        if (origin().equals(readOrigin())) {
            return;
        }
        Path tmp = options.dir().resolve(ORIGIN_FILE + ".tmp");
        Files.writeString(tmp, origin(), StandardCharsets.UTF_8);
        Files.move(tmp, options.dir().resolve(ORIGIN_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String describe(String origin) {
        return origin == null || origin.isBlank() ? "unknown" : origin.strip().replace('\n', ' ');
    }

    /** The branch followed, as {@code refs/heads/<branch>}. */
    public String ref() {
        return options.ref();
    }
}
