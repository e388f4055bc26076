package io.hostlet.doctor;

import io.hostlet.engine.EngineInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hostlet doctor}: each problem it is meant to find, found, named and given a fix; the exit codes. */
class DoctorTest {

    private static final EngineInfo DOCKER_20 = new EngineInfo("Engine", "20.10.24", "1.41", "linux/amd64", "overlay2",
            "/var/lib/docker");
    private static final String VALID = """
            apiVersion: hostlet.io/v1
            kind: Container
            metadata: {name: web}
            spec: {image: busybox:1}
            """;

    @TempDir
    Path tmp;
    Path manifests;
    Path state;
    Path secrets;

    @BeforeEach
    void folders() throws IOException {
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("web.yaml"), VALID);
        state = Files.createDirectories(tmp.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Files.write(state.resolve("label-key"), new byte[32]);
        Files.setPosixFilePermissions(state.resolve("label-key"), PosixFilePermissions.fromString("rw-------"));
        secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxr-x---"));
    }

    private Doctor.Settings settings(String dockerHost) {
        return new Doctor.Settings(dockerHost, manifests, state, secrets, "baseline", "default");
    }

    private List<Finding> run(EngineInfo engine) {
        return new Doctor(settings("unix:///var/run/docker.sock"), () -> engine).run();
    }

    private static List<Finding> failures(List<Finding> findings) {
        return findings.stream().filter(f -> f.status() == Finding.Status.FAIL).toList();
    }

    @Test
    void aHealthyHostPassesEveryCheck() {
        List<Finding> findings = run(DOCKER_20);
        assertThat(findings).allSatisfy(f -> assertThat(f.status()).as(f.toString()).isEqualTo(Finding.Status.OK));
        assertThat(findings).extracting(Finding::check).contains("engine", "engine API", "image store", "manifests",
                "state", "label key", "instance", "policy", "secrets");
        assertThat(Doctor.exitCode(findings)).isZero();
    }

    /** The real command against a socket nobody listens on: the engine check fails, exit 2. */
    @Test
    void aBrokenEngineSocketIsAFailure() {
        String socket = "unix://" + tmp.resolve("no-engine.sock");
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new DoctorCommand(Map.of("DOCKER_HOST", socket,
                "HOSTLET_MANIFESTS_DIR", manifests.toString(), "HOSTLET_STATE_DIR", state.toString(),
                "HOSTLET_SECRETS_DIR", secrets.toString())));
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute();
        assertThat(code).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("fail  engine").contains("no answer at " + socket)
                .contains("fix: start the engine").contains("ok    state").contains("ok    label key");
    }

    @Test
    void aStateFolderOthersCanReadIsAFailure() throws IOException {
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Finding> failed = failures(run(DOCKER_20));
        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("state");
            assertThat(f.detail()).contains("rwxr-xr-x");
            assertThat(f.fix()).isEqualTo("chmod 700 " + state);
        });
    }

    @Test
    void aManifestThePolicyRefusesIsAFailure() throws IOException {
        Files.writeString(manifests.resolve("root.yaml"), """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: root}
                spec:
                  image: busybox:1
                  securityContext: {privileged: true}
                """);
        List<Finding> findings = run(DOCKER_20);
        assertThat(failures(findings)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("manifests");
            assertThat(f.detail()).contains("root.yaml").contains("privileged");
            assertThat(f.fix()).contains("hostlet.policy.allow");
        });
        assertThat(Doctor.exitCode(findings)).isEqualTo(2);
    }

    @Test
    void anEngineBelowTheApiFloorIsAFailureAndPodmanAWarning() {
        EngineInfo old = new EngineInfo("Engine", "19.03.15", "1.40", "linux/amd64", "overlay2", "/var/lib/docker");
        assertThat(failures(run(old))).extracting(Finding::check).containsExactly("engine API");
        EngineInfo podman = new EngineInfo("Podman Engine", "4.3.1", "1.41", "linux/amd64", "overlay", "/var/lib/containers");
        List<Finding> findings = run(podman);
        assertThat(findings).filteredOn(f -> f.status() == Finding.Status.WARN).extracting(Finding::check)
                .containsExactly("engine kind");
        assertThat(Doctor.exitCode(findings)).isEqualTo(1);
    }

    @Test
    void worldReadableSecretsAndAnUnknownPolicyAreFailures() throws IOException {
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Finding> findings = new Doctor(new Doctor.Settings("unix:///x", manifests, state, secrets, "lax", "default"),
                () -> DOCKER_20).run();
        assertThat(failures(findings)).extracting(Finding::check).containsExactly("policy", "secrets");
    }

    @Test
    void aMissingStateFolderIsOnlyAWarning() throws IOException {
        Files.delete(state.resolve("label-key"));
        Files.delete(state);
        List<Finding> findings = run(DOCKER_20);
        assertThat(findings).filteredOn(f -> f.status() != Finding.Status.OK).extracting(Finding::check)
                .containsExactly("state", "label key");
        assertThat(Doctor.exitCode(findings)).isEqualTo(1);
    }

    /** The recorder's key for spec labels: others must not read it, and a wrong size makes hostlet run without it. */
    @Test
    void aLabelKeyOthersCanReadOrOfTheWrongSizeIsAFailure() throws IOException {
        Path key = state.resolve("label-key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(failures(run(DOCKER_20))).singleElement()
                .satisfies(f -> assertThat(f.fix()).isEqualTo("chmod 600 " + key));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.write(key, new byte[7]);
        assertThat(failures(run(DOCKER_20))).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("7 bytes, not 32"));
    }
}
