package io.hostlet.desired.git;

import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.hostlet.desired.git.Upstream.files;
import static io.hostlet.desired.git.Upstream.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Webhook floods and replays cost a bounded number of fetches, and no push is missed. */
@Timeout(60)
class GitWebhookPacingTest {

    private static final Duration GAP = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    private Upstream upstream;
    private GitSource source;

    @BeforeEach
    void start() {
        upstream = new Upstream(tmp.resolve("upstream"));
        upstream.push("v1", files("web.yaml", manifest("web", "v1")));
        // Polls an hour apart: every fetch after the first is one a webhook asked for.
        source = new GitSource(GitOptions.of(upstream.url(), tmp.resolve("hostlet-git"))
                .withPollInterval(Duration.ofHours(1)), Clock.systemUTC(), GAP);
        source.start(() -> { });
        await().atMost(Duration.ofSeconds(20)).until(() -> source.read().complete() && source.syncCount() == 1);
    }

    @AfterEach
    void stop() {
        source.close();
        upstream.close();
    }

    private static byte[] push() {
        return "{\"ref\":\"refs/heads/main\"}".getBytes();
    }

    private static java.util.function.Function<String, String> delivery(String header, String id) {
        Map<String, String> h = new HashMap<>();
        h.put(header, id);
        return h::get;
    }

    @Test
    void aRepeatedDeliveryIdIsIgnored() {
        GitSource.WebhookResult first = source.webhook(delivery("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), push());
        GitSource.WebhookResult again = source.webhook(delivery("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), push());
        GitSource.WebhookResult gitea = source.webhook(delivery("X-Gitea-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), push());

        assertThat(first.verdict()).isEqualTo(GitSource.Verdict.ACCEPTED);
        assertThat(again.verdict()).isEqualTo(GitSource.Verdict.IGNORED);
        assertThat(again.message()).contains("handled already");
        assertThat(gitea.verdict()).as("the same id from another host's header is another delivery")
                .isEqualTo(GitSource.Verdict.ACCEPTED);
    }

    @Test
    void aFloodOfWebhooksCostsOneFetchNowAndOneAtTheEndOfTheQuietPeriodWhichSeesTheLastPush() {
        // Taken before the request: the quiet period starts when that fetch is let through, a little later, so the
        // gap measured from here is never shorter than the real one (measuring after the await was, by its poll).
        long secondAt = System.nanoTime();
        source.webhook(h -> null, push());
        await().atMost(Duration.ofSeconds(10)).until(() -> source.syncCount() == 2);

        RevCommit last = null;
        for (int i = 0; i < 20; i++) {
            if (i % 5 == 0) {
                last = upstream.push("v" + i, files("web.yaml", manifest("web", "v" + i)));
            }
            assertThat(source.webhook(h -> null, push()).verdict()).isEqualTo(GitSource.Verdict.ACCEPTED);
        }
        String lastName = last.name();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            source.read();
            assertThat(source.info().commit()).isEqualTo(lastName);
        });
        long thirdAfter = System.nanoTime() - secondAt;
        assertThat(source.syncCount()).as("twenty requests in the quiet period make one fetch").isEqualTo(3);
        assertThat(Duration.ofNanos(thirdAfter)).as("not before the quiet period ended")
                .isGreaterThanOrEqualTo(GAP.minusMillis(50));
        await().during(GAP.plusSeconds(1)).atMost(GAP.plusSeconds(3)).until(() -> source.syncCount() == 3);
    }
}
