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
 * The command line from the packaged jar, as an operator runs it: {@code status} against the running service (which
 * the fixture starts with no command, through the same main class), and {@code validate} with no engine at all.
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
