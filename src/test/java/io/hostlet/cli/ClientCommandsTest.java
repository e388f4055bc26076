package io.hostlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The client commands against canned answers shaped as the API contract says: what they print and how they exit. */
class ClientCommandsTest {

    private static final String STATUS = """
            {"converged": false, "reason": "1 container not running", "containers": [
              {"name": "web", "phase": "Running", "image": "hostlet-test/busybox:1", "containerId": "abc",
               "restarts": 2, "source": "web.yaml", "health": "healthy", "startedAt": "2026-12-01T11:55:00Z"},
              {"name": "worker-with-a-long-name", "phase": "CrashLoopBackOff", "image": "busybox:1", "containerId": "def",
               "restarts": 9, "source": "team/worker.yaml", "health": null, "createdAt": "2026-11-29T10:00:00Z"},
              {"name": "once", "phase": "Pending", "image": "busybox:1", "containerId": null,
               "restarts": 0, "source": null, "health": null}],
             "manifestErrors": [{"file": "bad.yaml", "line": 3, "column": 7, "message": "spec.image: required"}]}
            """;

    private static final String PLAN = """
            {"pass": 12, "mode": "act", "steps": [
              {"phase": "create", "action": "create", "target": "container:web", "name": "web", "cause": "not found"},
              {"phase": "start", "action": "start", "target": "container:web", "name": "web", "cause": "created"}],
             "text": "#1 container:web, create, not found\\n#2 container:web, start, created\\n"}
            """;

    private static final String DESCRIBE = """
            {"name": "web", "phase": "Running", "health": "healthy", "restarts": 3,
             "lastExit": {"code": 137, "at": "2026-12-01T11:50:00Z", "oomKilled": true},
             "message": null, "source": "web.yaml", "revision": null, "image": "hostlet-test/busybox:1",
             "containerId": "0123456789ab", "createdAt": "2026-12-01T11:00:00Z", "startedAt": "2026-12-01T11:55:00Z",
             "spec": {"image": "hostlet-test/busybox:1", "env": [{"name": "PASSWORD", "value": "<redacted>"}], "ports": []},
             "observed": {"state": "running", "exitCode": 0},
             "events": [{"seq": 7, "time": "2026-12-01T11:55:00Z", "kind": "restarted", "name": "web",
                         "message": "restarted after exit 137", "details": {}}],
             "errors": [{"file": "web.yaml", "line": 4, "column": 3, "message": "held: an older version is in force"}]}
            """;

    private static final String EVENTS = """
            {"events": [
              {"seq": 1, "time": "2026-12-01T11:00:00Z", "kind": "created", "name": "web", "message": "created web", "details": {}},
              {"seq": 2, "time": "2026-12-01T11:00:01Z", "kind": "started", "name": "web", "message": "started web", "details": {}}]}
            """;

    @TempDir
    Path tmp;

    CannedServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new CannedServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Run run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = server.url();
        return Run.of(all);
    }

    @Test
    void statusPrintsATableLikeDockerPs() {
        server.json("/api/v1/status", STATUS);

        Run r = run("status");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                NAME                      PHASE              HEALTH    RESTARTS   AGE   IMAGE                    SOURCE
                web                       Running            healthy   2          5m    hostlet-test/busybox:1   web.yaml
                worker-with-a-long-name   CrashLoopBackOff   -         9          2d    busybox:1                team/worker.yaml
                once                      Pending            -         0          -     busybox:1                -

                1 manifest error:
                  bad.yaml:3:7: spec.image: required

                not converged: 1 container not running
                """);
        assertThat(r.err()).isEmpty();
    }

    /**
     * A file name, a container name and a message can hold anything a manifest author or a container wrote: the
     * table and the event lines show their control characters written out, never as escape sequences.
     */
    @Test
    void statusAndEventsNeverPrintControlCharactersTheServerRelays() {
        String esc = "\\u001b";
        server.json("/api/v1/status", """
                {"converged": false, "reason": "clear%1$s[2J", "containers": [
                  {"name": "web%1$s]0;pwned%2$s", "phase": "Running", "restarts": 0, "image": "busybox:1",
                   "source": "x%1$s[31mred.yaml"}],
                 "manifestErrors": [{"file": "evil\\u009b2J.yaml\\nfake.yaml:1:1: ok", "line": 1, "column": 2,
                   "message": "bad %1$s[8mhidden \\u202etxt.exe"}]}""".formatted(esc, "\\u0007"));
        server.json("/api/v1/events", """
                {"events": [{"seq": 1, "time": "2026-12-01T11:55:00Z", "kind": "crashed", "name": "web%1$s[2K",
                  "message": "died: %1$s[1A%1$s[2Kall good\\r"}]}""".formatted(esc));

        Run status = run("status");
        Run events = run("events");

        for (Run r : List.of(status, events)) {
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out().chars().filter(c -> c != '\n' && (Character.isISOControl(c) || c == 0x202e)))
                    .as("control characters in %s", r.out()).isEmpty();
        }
        assertThat(status.out()).contains("web\\x1b]0;pwned\\x07", "x\\x1b[31mred.yaml", "evil\\x9b2J.yaml",
                "bad \\x1b[8mhidden \\u202etxt.exe", "not converged: clear\\x1b[2J");
        assertThat(status.out()).as("a line break in a file name makes no line of its own")
                .doesNotContain("\nfake.yaml");
        assertThat(events.out()).contains("web\\x1b[2K", "died: \\x1b[1A\\x1b[2Kall good\\x0d");
    }

    @Test
    void statusJsonIsTheServersAnswer() throws IOException {
        server.json("/api/v1/status", STATUS);

        Run r = run("status", "-o", "json");

        assertThat(r.code()).isZero();
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(r.out())).isEqualTo(json.readTree(STATUS));
    }

    @Test
    void theServerComesFromTheEnvironmentWhenNoOptionNamesIt() {
        server.json("/api/v1/status", "{\"converged\": true, \"containers\": [], \"manifestErrors\": []}");

        Run r = Run.of(Map.of("HOSTLET_SERVER", server.url()), "status");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("NAME   PHASE   HEALTH   RESTARTS   AGE   IMAGE   SOURCE\n");
    }

    @Test
    void theTokenIsSentAsBearer() throws IOException {
        server.json("/api/v1/status", "{\"converged\": true, \"containers\": []}");
        Path token = Files.writeString(tmp.resolve("token"), "s3cret\n");

        assertThat(run("status", "--token-file", token.toString()).code()).isZero();
        assertThat(Run.of(Map.of("HOSTLET_TOKEN_FILE", token.toString(), "HOSTLET_SERVER", server.url()), "status").code()).isZero();

        assertThat(server.requests).extracting(q -> q.header("Authorization")).containsExactly("Bearer s3cret", "Bearer s3cret");
    }

    @Test
    void anUnreachableServiceIsOneLineNamingTheServer() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }

        Run r = Run.of("status", "--server", "http://127.0.0.1:" + closed);

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).singleElement().asString()
                .startsWith("hostlet: cannot reach the hostlet service at http://127.0.0.1:" + closed);
    }

    @Test
    void a401SaysATokenIsNeeded() throws IOException {
        server.answer("/api/v1/status", 401, "application/json", "{\"error\":\"unauthorized\"}");
        Path token = Files.writeString(tmp.resolve("token"), "wrong");

        Run without = run("status");
        Run refused = run("status", "--token-file", token.toString());

        assertThat(without.code()).isEqualTo(1);
        assertThat(without.err()).isEqualTo("hostlet: the hostlet service at " + server.url()
                + " needs a token: pass --token-file FILE or set HOSTLET_TOKEN_FILE\n");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("hostlet: the hostlet service at " + server.url() + " refused the token in " + token + "\n");
    }

    @Test
    void aMissingTokenFileIsNamed() {
        Run r = run("status", "--token-file", tmp.resolve("absent").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("hostlet: cannot read token file " + tmp.resolve("absent"));
    }

    @Test
    void planPrintsTheRenderedStepsWithTheirCauses() {
        server.json("/api/v1/plan", PLAN);

        Run r = run("plan");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                plan after pass 12
                #1 container:web, create, not found
                #2 container:web, start, created
                """);
    }

    @Test
    void planWithoutTextRendersEachStepAndSaysWhenItIsOnlyObserved() {
        server.json("/api/v1/plan", """
                {"pass": 3, "mode": "observe", "steps": [
                  {"phase": "remove", "action": "remove", "target": "container:old", "name": "old", "cause": "no manifest"}]}
                """);

        assertThat(run("plan").out()).isEqualTo("""
                plan after pass 3 (observe mode: hostlet will not act on it)
                #1 container:old, remove, no manifest
                """);
    }

    @Test
    void anEmptyPlanSaysNothingToDo() {
        server.json("/api/v1/plan", "{\"pass\": 4, \"mode\": \"act\", \"steps\": [], \"text\": \"\"}");

        assertThat(run("plan").out()).isEqualTo("plan after pass 4\nnothing to do\n");
    }

    @Test
    void describeShowsStateSpecObservedEventsAndErrors() {
        server.json("/api/v1/containers/web", DESCRIBE);

        Run r = run("describe", "web");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                Name:      web
                Phase:     Running
                Health:    healthy
                Restarts:  3
                Last exit: code 137 at 2026-12-01T11:50:00Z (killed: out of memory)
                Message:   -
                Source:    web.yaml
                Revision:  -
                Image:     hostlet-test/busybox:1
                Container: 0123456789ab
                Created:   2026-12-01T11:00:00Z
                Started:   2026-12-01T11:55:00Z
                Spec:
                  image: hostlet-test/busybox:1
                  env:
                    -
                      name: PASSWORD
                      value: <redacted>
                  ports: []
                Observed:
                  state: running
                  exitCode: 0
                Events:
                  2026-12-01T11:55:00Z     restarted      web                  restarted after exit 137
                Errors:
                  web.yaml:4:3: held: an older version is in force
                """);
    }

    @Test
    void describeOfAnUnknownNameSaysSo() {
        server.answer("/api/v1/containers/nope", 404, "application/json", "{\"error\":\"unknown\"}");

        Run r = run("describe", "nope");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("hostlet: no container nope\n");
    }

    @Test
    void eventsPrintsOneLineEachAndFiltersByName() {
        server.json("/api/v1/events", EVENTS).json("/api/v1/events?name=web", EVENTS);

        Run all = run("events");
        Run web = run("events", "web");

        assertThat(all.code()).isZero();
        assertThat(all.out()).isEqualTo("""
                2026-12-01T11:00:00Z     created        web                  created web
                2026-12-01T11:00:01Z     started        web                  started web
                """);
        assertThat(web.out()).isEqualTo(all.out());
        assertThat(server.requests).extracting(CannedServer.Request::pathAndQuery)
                .containsExactly("/api/v1/events", "/api/v1/events?name=web");
    }

    @Test
    void followingEventsResumesTheStreamAfterTheLastOnePrinted() {
        server.json("/api/v1/events?name=web", EVENTS).answer("/api/v1/events/stream", 200, "text/event-stream", """
                id: 2
                event: started
                data: {"seq": 2, "time": "2026-12-01T11:00:01Z", "kind": "started", "name": "web", "message": "started web", "details": {}}

                id: 3
                event: exited
                data: {"seq": 3, "time": "2026-12-01T11:01:00Z", "kind": "exited", "name": "other", "message": "other exited", "details": {"code": 1}}

                id: 4
                event: exited
                data: {"seq": 4, "time": "2026-12-01T11:02:00Z", "kind": "exited", "name": "web", "message": "web exited with 1", "details": {"code": 1}}

                """);

        Run r = run("events", "web", "-f");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                2026-12-01T11:00:00Z     created        web                  created web
                2026-12-01T11:00:01Z     started        web                  started web
                2026-12-01T11:02:00Z     exited         web                  web exited with 1
                """);
        assertThat(server.requests.get(1).header("Last-event-id")).isEqualTo("2");
    }

    @Test
    void eventsJsonIsTheServersAnswer() throws IOException {
        server.json("/api/v1/events", EVENTS);

        Run r = run("events", "--output", "json");

        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(r.out())).isEqualTo(json.readTree(EVENTS));
    }

    @Test
    void logsPrintsTheTextAndPassesTailAndFollow() {
        server.answer("/api/v1/containers/web/logs?tail=2&follow=true", 200, "text/plain", "line 9\nline 10\n");

        Run r = run("logs", "web", "--tail", "2", "-f");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("line 9\nline 10\n");
    }

    @Test
    void logsOfAnUnknownNameSaysSo() {
        Run r = run("logs", "ghost");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("hostlet: no container ghost\n");
        assertThat(server.requests).extracting(CannedServer.Request::pathAndQuery).containsExactly("/api/v1/containers/ghost/logs");
    }

    @Test
    void retryPostsAndPrintsTheAnswer() {
        server.answer("/api/v1/containers/web/retry", 202, "application/json",
                "{\"name\":\"web\",\"result\":\"retry asked for: the next pass tries spec abc again\",\"failedSpecHash\":\"abc\"}");

        Run r = run("retry", "web");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("web: retry asked for: the next pass tries spec abc again\n");
        assertThat(server.requests).extracting(CannedServer.Request::method).containsExactly("POST");
    }

    @Test
    void retryOfAContainerThatIsNotRolledBackSaysWhy() {
        server.answer("/api/v1/containers/web/retry", 409, "application/json",
                "{\"error\":\"web is not rolled back (phase Running): there is nothing to retry\"}");

        Run r = run("retry", "web");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).endsWith("answered POST /api/v1/containers/web/retry with 409: web is not rolled back"
                + " (phase Running): there is nothing to retry\n");
    }

    @Test
    void anOldServerWithoutTheEndpointIsNamed() {
        Run r = run("plan");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no plan endpoint");
    }

    @Test
    void aBadServerUrlIsAnErrorNotAStackTrace() {
        Run r = Run.of("status", "--server", "ftp://x");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("hostlet: --server ftp://x is not an http:// or https:// URL\n");
    }
}
