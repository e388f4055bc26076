package io.hostlet.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command line from the packaged jar, as an operator runs it: {@code status}, {@code plan}, {@code describe},
 * {@code events} and {@code logs} against the running service (which the fixture starts with no command, through the
 * same main class), and {@code validate} with no engine at all.
 */
class CliIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    @TempDir
    Path tmp;

    /** What one run of the jar printed and how it exited. */
    record Result(int code, String out, String err) {}

    private Result runJar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(HostletProcess.JVM_OPTIONS);
        cmd.add("-jar");
        cmd.add(HostletProcess.snapshotOfPackagedJar().toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hostlet " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void statusFromThePackagedJarNamesTheRunningContainer() {
        String name = hostlet.name("cli");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name);

        await().untilAsserted(() -> {
            Result r = runJar(Map.of(), "status", "--server", "http://127.0.0.1:" + hostlet.process().port());
            assertThat(r.code()).as("%s", r).isZero();
            assertThat(r.out().lines()).first().asString().startsWith("NAME").contains("PHASE", "HEALTH", "RESTARTS", "AGE", "IMAGE", "SOURCE");
            assertThat(r.out().lines()).as("%s", r).anySatisfy(line -> {
                String[] cols = line.split(" +");
                assertThat(cols).startsWith(name, "Running", "-", "0").contains(TestEngine.testImage(), name + ".yaml");
                assertThat(cols[4]).as("AGE, from status' createdAt").matches("\\d+[smhd]");
            });
        });
    }

    /** plan, describe, events and logs against the real service: each endpoint the client commands read. */
    @Test
    void theClientCommandsReadTheRunningService() throws Exception {
        String name = hostlet.name("clients");
        hostlet.write(name + ".yaml", Manifest.container(name).shell("echo hello-from-" + name + "; exec sleep 100000"));
        hostlet.awaitRunning(name);
        String server = "http://127.0.0.1:" + hostlet.process().port();

        await().untilAsserted(() -> {
            Result plan = runJar(Map.of("HOSTLET_SERVER", server), "plan");
            assertThat(plan.code()).as("%s", plan).isZero();
            assertThat(plan.out()).as("%s", plan).startsWith("plan after pass ").contains("nothing to do");
        });

        await().untilAsserted(() -> {
            Result describe = runJar(Map.of(), "describe", name, "--server", server);
            assertThat(describe.code()).as("%s", describe).isZero();
            assertThat(describe.out()).as("%s", describe).contains("Name:      " + name, "Phase:     Running",
                    "Source:    " + name + ".yaml", "Spec:", "Observed:", "Events:");
            assertThat(describe.out().lines().dropWhile(l -> !l.equals("Events:")))
                    .anySatisfy(l -> assertThat(l).contains("created", name));
        });
        Result unknown = runJar(Map.of(), "describe", name + "-nope", "--server", server);
        assertThat(unknown.code()).as("%s", unknown).isEqualTo(1);
        assertThat(unknown.err()).contains("no container " + name + "-nope");

        Result events = runJar(Map.of(), "events", name, "--server", server);
        assertThat(events.code()).as("%s", events).isZero();
        assertThat(events.out().lines()).as("%s", events)
                .anySatisfy(l -> assertThat(l).contains("created", name))
                .allSatisfy(l -> assertThat(l).contains(name));

        await().untilAsserted(() -> {
            Result logs = runJar(Map.of(), "logs", name, "--tail", "5", "--server", server);
            assertThat(logs.code()).as("%s", logs).isZero();
            assertThat(logs.out()).contains("hello-from-" + name);
        });
    }

    @Test
    void validateFromThePackagedJarNeedsNoEngine() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("gitops"));
        Files.writeString(folder.resolve("web.yaml"), Manifest.container("web").toString());
        Map<String, String> noEngine = Map.of("DOCKER_HOST", "unix://" + tmp.resolve("no-such-engine.sock"),
                "HOSTLET_DOCKER_HOST", "unix://" + tmp.resolve("no-such-engine.sock"));

        Result valid = runJar(noEngine, "validate", folder.toString());
        assertThat(valid).isEqualTo(new Result(0, "", ""));

        Files.writeString(folder.resolve("broken.yaml"), "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: x\n");
        Result broken = runJar(noEngine, "validate", folder.toString());
        assertThat(broken.code()).as("%s", broken).isEqualTo(1);
        assertThat(broken.out()).matches(folder + "/broken\\.yaml:\\d+:\\d+: .+\n");
        assertThat(broken.err()).as("no Quarkus boot: nothing logged").isEmpty();
    }
}
