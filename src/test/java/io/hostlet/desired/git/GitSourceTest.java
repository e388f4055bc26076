package io.hostlet.desired.git;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.SourceInfo;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link GitSource} against real repositories served over {@code file://}. */
@Timeout(120)
class GitSourceTest {

    @TempDir
    Path tmp;

    private Upstream upstream;
    private final List<GitSource> sources = new ArrayList<>();

    @BeforeEach
    void createUpstream() {
        upstream = new Upstream(tmp.resolve("upstream"));
    }

    @AfterEach
    void closeAll() {
        sources.forEach(GitSource::close);
        upstream.close();
    }

    private GitOptions options() {
        return GitOptions.of(upstream.url(), tmp.resolve("hostlet-git"));
    }

    private GitSource source(GitOptions options) {
        GitSource s = new GitSource(options, java.time.Clock.systemUTC());
        sources.add(s);
        return s;
    }

    /** name → MODE env value, for every container in force. */
    private static Map<String, String> modes(DesiredState state) {
        Map<String, String> out = new TreeMap<>();
        state.containers().forEach((name, m) -> out.put(name, m.spec().env().get(0).value()));
        return out;
    }

    @Test
    void nothingIsKnownBeforeTheFirstSyncAndTheBranchIsReadAfterIt() throws Exception {
        RevCommit c = upstream.push("web v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options());

        DesiredState before = source.read();
        assertThat(before.complete()).isFalse();
        assertThat(before.problem()).isEqualTo("waiting for the first git sync");

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        DesiredState after = source.read();
        assertThat(after.complete()).isTrue();
        assertThat(modes(after)).containsExactly(Map.entry("web", "v1"));

        SourceInfo info = source.info();
        assertThat(info.type()).isEqualTo("git");
        assertThat(info.location()).isEqualTo(upstream.url());
        assertThat(info.branch()).isEqualTo("main");
        assertThat(info.commit()).isEqualTo(c.name());
        assertThat(info.commitMessage()).isEqualTo("web v1");
        assertThat(info.fetchedAt()).isNotNull();
        assertThat(info.lastError()).isNull();

        Path current = tmp.resolve("hostlet-git/current");
        assertThat(Files.isSymbolicLink(current)).isTrue();
        assertThat(Files.readSymbolicLink(current)).isEqualTo(Path.of("trees", c.name()));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.UNCHANGED);
    }

    @Test
    void aPushedCommitIsPickedUpByThePollerAndAsksForAPass() {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options().withPollInterval(Duration.ofMillis(200)));
        AtomicInteger passes = new AtomicInteger();
        source.start(passes::incrementAndGet);
        await().atMost(Duration.ofSeconds(20)).until(() -> source.read().complete());

        RevCommit v2 = upstream.push("v2", files("web.yaml", manifest("web", "v2")));
        int passesBefore = passes.get();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(modes(source.read())).containsExactly(Map.entry("web", "v2"));
            assertThat(source.info().commit()).isEqualTo(v2.name());
        });
        assertThat(passes.get()).isGreaterThan(passesBefore);
    }

    @Test
    void aWebhookMakesTheSourceFetchAtOnce() {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options().withPollInterval(Duration.ofHours(1)));
        source.start(() -> { });
        await().atMost(Duration.ofSeconds(20)).until(() -> source.read().complete()); // the first fetch is at once

        RevCommit v2 = upstream.push("v2", files("web.yaml", manifest("web", "v2")));
        long requested = source.syncRequests();
        GitSource.WebhookResult r = source.webhook(h -> null, "{\"ref\":\"refs/heads/main\"}".getBytes());

        assertThat(r.verdict()).isEqualTo(GitSource.Verdict.ACCEPTED);
        assertThat(source.syncRequests()).as("fetches asked of the poller").isEqualTo(requested + 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            source.read();
            assertThat(source.info().commit()).isEqualTo(v2.name());
        });
    }

    @Test
    void aWebhookForAnotherBranchIsIgnoredAndFetchesNothing() throws Exception {
        RevCommit v1 = upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options().withPollInterval(Duration.ofHours(1)));
        source.start(() -> { });
        await().atMost(Duration.ofSeconds(20)).until(() -> source.read().complete());
        var fetchedAt = source.info().fetchedAt();

        upstream.push("v2", files("web.yaml", manifest("web", "v2")));
        long requested = source.syncRequests();
        GitSource.WebhookResult r = source.webhook(h -> null, "{\"ref\":\"refs/heads/feature\"}".getBytes());

        assertThat(r.verdict()).isEqualTo(GitSource.Verdict.IGNORED);
        assertThat(r.message()).contains("refs/heads/feature");
        // Asking the poller is the only way a fetch happens off the caller's thread (polls are an hour apart here):
        // none was asked, so none will come; and none happened on this thread.
        assertThat(source.syncRequests()).as("fetches asked of the poller").isEqualTo(requested);
        source.read();
        assertThat(source.info().commit()).isEqualTo(v1.name());
        assertThat(source.info().fetchedAt()).isEqualTo(fetchedAt);
    }

    @Test
    void aWebhookWithAWrongSignatureIsRefusedWhenASecretIsSet() {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options().withWebhookSecret("s3cret"));
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes();
        String good = "sha256=" + java.util.HexFormat.of().formatHex(WebhookCheck.hmac("s3cret".getBytes(), body));
        String bad = "sha256=" + java.util.HexFormat.of().formatHex(WebhookCheck.hmac("other".getBytes(), body));

        assertThat(source.webhook(h -> null, body).verdict()).isEqualTo(GitSource.Verdict.UNAUTHORIZED);
        assertThat(source.webhook(h -> h.equals("X-Hub-Signature-256") ? bad : null, body).verdict())
                .isEqualTo(GitSource.Verdict.UNAUTHORIZED);
        assertThat(source.webhook(h -> h.equals("X-Hub-Signature-256") ? good : null, body).verdict())
                .isEqualTo(GitSource.Verdict.ACCEPTED);
    }

    @Test
    void aBrokenCommitKeepsTheLastGoodManifestAndReportsTheErrorUnderThatCommit() {
        upstream.push("v1", files("web.yaml", manifest("web", "v1"), "db.yaml", manifest("db", "v1")));
        GitSource source = source(options());
        source.sync();

        RevCommit broken = upstream.push("oops", files("web.yaml", "apiVersion: hostlet.io/v1\nkind: Container\nspec: [\n",
                "db.yaml", manifest("db", "v2")));
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);

        DesiredState state = source.read();
        assertThat(modes(state)).containsExactly(Map.entry("db", "v2"), Map.entry("web", "v1"));
        assertThat(state.heldFiles()).containsExactly("web.yaml");
        assertThat(state.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.file()).isEqualTo("web.yaml"));
        assertThat(source.info().commit()).isEqualTo(broken.name());
        assertThat(source.info().lastError()).isNull(); // the sync worked; the manifest is what is wrong
    }

    @Test
    void aForcePushToAnUnrelatedHistoryIsRefusedAndTheAppliedCommitStays() {
        RevCommit v1 = upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options());
        source.sync();

        upstream.startUnrelatedHistory();
        RevCommit other = upstream.commit("unrelated", files("evil.yaml", manifest("evil", "x")));
        upstream.pushTo("main", true);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);
        assertThat(modes(source.read())).containsExactly(Map.entry("web", "v1"));
        SourceInfo info = source.info();
        assertThat(info.commit()).isEqualTo(v1.name());
        assertThat(info.lastError()).isEqualTo("refused: " + other.abbreviate(12).name() + " is not a fast-forward of "
                + v1.abbreviate(12).name() + " (the branch was force-pushed or replaced; set"
                + " hostlet.git.allow-force-push=true to apply such a head)");
        assertThat(info.fetchedAt()).isNotNull();
    }

    @Test
    void aForcePushIsAppliedWhenAllowed() {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options().withAllowForcePush(true));
        source.sync();

        upstream.startUnrelatedHistory();
        RevCommit other = upstream.commit("unrelated", files("api.yaml", manifest("api", "x")));
        upstream.pushTo("main", true);

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(modes(source.read())).containsExactly(Map.entry("api", "x"));
        assertThat(source.info().commit()).isEqualTo(other.name());
        assertThat(source.info().lastError()).isNull();
    }

    @Test
    void aRefusedHeadIsForgottenWhenTheBranchComesBack() {
        RevCommit v1 = upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource source = source(options());
        source.sync();
        upstream.startUnrelatedHistory();
        upstream.commit("unrelated", files("evil.yaml", manifest("evil", "x")));
        upstream.pushTo("main", true);
        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);

        upstream.resetBranch(v1, "main");

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.UNCHANGED);
        assertThat(source.info().lastError()).isNull();
    }

    @Test
    void aManifestDeletedInACommitLeavesTheDesiredState() {
        upstream.push("two", files("web.yaml", manifest("web", "v1"), "jobs/once.yaml", manifest("once", "v1")));
        GitSource source = source(options());
        source.sync();
        assertThat(modes(source.read())).containsOnlyKeys("web", "once");

        upstream.push("drop once", files("jobs/once.yaml", null));
        source.sync();

        DesiredState state = source.read();
        assertThat(state.complete()).isTrue();
        assertThat(modes(state)).containsOnlyKeys("web");
        assertThat(state.heldFiles()).isEmpty();
    }

    @Test
    void afterARestartTheCheckoutOnDiskIsServedBeforeAnyFetch() throws Exception {
        RevCommit v1 = upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource first = source(options());
        first.sync();
        first.close();

        upstream.push("v2", files("web.yaml", manifest("web", "v2")));
        Path hidden = tmp.resolve("gone.git");
        Files.move(upstream.bare(), hidden); // and the remote is unreachable as hostlet comes back

        GitSource second = source(options());
        DesiredState state = second.read();
        assertThat(state.complete()).isTrue();
        assertThat(modes(state)).containsExactly(Map.entry("web", "v1"));
        assertThat(second.info().commit()).isEqualTo(v1.name());
        assertThat(second.info().commitMessage()).isEqualTo("v1");

        assertThat(second.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(second.info().lastError()).startsWith("fetch from " + upstream.url() + " failed: ");
        assertThat(modes(second.read())).containsExactly(Map.entry("web", "v1"));

        Files.move(hidden, upstream.bare());
        assertThat(second.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
        assertThat(modes(second.read())).containsExactly(Map.entry("web", "v2"));
        assertThat(second.info().lastError()).isNull();
    }

    @Test
    void lockFilesLeftByAKilledFetchDoNotBlockLaterFetches() throws Exception {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        GitSource first = source(options());
        first.sync();
        first.close();
        Path repo = tmp.resolve("hostlet-git/repo.git");
        Files.writeString(repo.resolve("refs/remotes/origin/main.lock"), "");
        Files.writeString(repo.resolve("packed-refs.lock"), "");

        RevCommit v2 = upstream.push("v2", files("web.yaml", manifest("web", "v2")));
        GitSource second = source(options());

        assertThat(second.sync()).as("%s", second.info().lastError()).isEqualTo(GitSource.SyncResult.APPLIED);
        second.read();
        assertThat(second.info().commit()).isEqualTo(v2.name());
    }

    @Test
    void aCheckoutOfAnotherPathIsNotAdoptedAfterARestart() {
        upstream.push("v1", files("a/web.yaml", manifest("web", "a"), "b/web.yaml", manifest("web", "b")));
        GitSource first = source(options().withPath("a"));
        first.sync();
        assertThat(modes(first.read())).containsExactly(Map.entry("web", "a"));
        first.close();

        GitSource second = source(options().withPath("b"));
        assertThat(second.read().complete()).isFalse();
        second.sync();
        assertThat(modes(second.read())).containsExactly(Map.entry("web", "b"));
    }

    @Test
    void anUnreachableRepositoryIsRetriedUntilItAnswers() throws Exception {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        Path hidden = tmp.resolve("gone.git");
        Files.move(upstream.bare(), hidden);
        GitSource source = source(options().withPollInterval(Duration.ofMillis(300)));
        source.start(() -> { });

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            DesiredState s = source.read();
            assertThat(s.complete()).isFalse();
            assertThat(s.problem()).startsWith("waiting for the first git sync: fetch from ");
            assertThat(source.info().lastError()).isNotNull();
        });

        Files.move(hidden, upstream.bare());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(modes(source.read())).containsExactly(Map.entry("web", "v1"));
            assertThat(source.info().lastError()).isNull();
        });
    }

    @Test
    void aDeletedBranchKeepsTheAppliedCommitAndSaysSo() {
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        upstream.pushTo("keep", false); // a bare repository with no branch at all would be another case
        GitSource source = source(options());
        source.sync();

        upstream.deleteBranch("main");

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.FAILED);
        assertThat(source.info().lastError()).contains("main");
        assertThat(modes(source.read())).containsExactly(Map.entry("web", "v1"));
    }

    @Test
    void onlyTheConfiguredSubfolderIsRead() {
        upstream.push("v1", files("deploy/host1/web.yaml", manifest("web", "v1"),
                "deploy/host2/api.yaml", manifest("api", "v1"), "README.yaml", manifest("readme", "v1")));
        GitSource source = source(options().withPath("/deploy/host1/"));
        source.sync();

        assertThat(modes(source.read())).containsExactly(Map.entry("web", "v1"));
        assertThat(source.read().containers().get("web").source().file()).isEqualTo("web.yaml");
    }

    @Test
    void aCommitWithoutTheConfiguredSubfolderIsRefused() {
        upstream.push("v1", files("deploy/host1/web.yaml", manifest("web", "v1")));
        GitSource source = source(options().withPath("deploy/host1"));
        source.sync();

        RevCommit moved = upstream.push("moved", files("deploy/host1/web.yaml", null, "elsewhere/web.yaml", manifest("web", "v2")));

        assertThat(source.sync()).isEqualTo(GitSource.SyncResult.REFUSED);
        assertThat(source.info().lastError()).startsWith("commit " + moved.abbreviate(12).name() + " has no folder deploy/host1");
        assertThat(modes(source.read())).containsExactly(Map.entry("web", "v1"));
    }

    @Test
    void onlyTheTreeInForceAndTheOneBeforeItAreKept() throws Exception {
        GitSource source = source(options());
        List<String> shas = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            shas.add(upstream.push("v" + i, files("web.yaml", manifest("web", "v" + i))).name());
            source.sync();
        }
        try (var trees = Files.list(tmp.resolve("hostlet-git/trees"))) {
            assertThat(trees.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(shas.get(2), shas.get(3));
        }
    }

    @Test
    void aReadNeverSeesAHalfSwitchedTree() throws Exception {
        // Two commits with the same file names and different contents, applied alternately while another
        // thread reads: every read must be wholly one commit or wholly the other.
        Map<String, String> a = new HashMap<>();
        Map<String, String> b = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            a.put("m" + i + ".yaml", manifest("c" + i, "a"));
            b.put("m" + i + ".yaml", manifest("c" + i, "b"));
        }
        b.put("extra.yaml", manifest("extra", "b"));
        RevCommit ca = upstream.push("a", a);
        RevCommit cb = upstream.push("b", b);
        GitSource source = source(options().withAllowForcePush(true));
        source.sync();

        AtomicBoolean done = new AtomicBoolean();
        List<String> mixed = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                DesiredState s = source.read();
                Set<String> seen = Set.copyOf(modes(s).values());
                boolean whole = s.errors().isEmpty() && seen.size() == 1
                        && s.containers().size() == (seen.contains("a") ? 30 : 31);
                if (!whole) {
                    mixed.add(s.containers().size() + " containers, modes " + seen + ", errors " + s.errors());
                }
                reads.incrementAndGet();
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 20; i++) {
                upstream.pushCommit(i % 2 == 0 ? ca : cb, "main", true);
                assertThat(source.sync()).isEqualTo(GitSource.SyncResult.APPLIED);
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(mixed).isEmpty();
        assertThat(reads.get()).isGreaterThan(20);
    }

    @Test
    void aTreeIsCompleteWhenCurrentFirstPointsAtIt() throws Exception {
        // The file-system view alone, without the source's lock: whatever current resolves to is a whole tree.
        Map<String, String> a = new HashMap<>();
        Map<String, String> b = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            a.put("m" + i + ".yaml", manifest("c" + i, "a"));
            b.put("m" + i + ".yaml", null);
            b.put("n" + i + ".yaml", manifest("d" + i, "b"));
        }
        RevCommit ca = upstream.push("a", a);
        RevCommit cb = upstream.push("b", b);
        GitSource source = source(options().withAllowForcePush(true));
        source.sync();
        Path current = tmp.resolve("hostlet-git/current");

        AtomicBoolean done = new AtomicBoolean();
        List<Integer> counts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try (var files = Files.list(current.toRealPath())) {
                    counts.add((int) files.count());
                } catch (java.io.IOException e) {
                    counts.add(-1); // the tree vanished under us: a pruned tree read after two switches
                }
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 20; i++) {
                upstream.pushCommit(i % 2 == 0 ? ca : cb, "main", true);
                source.sync();
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(counts).isNotEmpty().containsOnly(50);
    }
}
