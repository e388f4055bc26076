package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The host-facing spec fields as the engine holds them ({@code docker inspect}), and {@code suspend}. Runs under
 * {@code hostlet.policy.level=privileged}: the policy is tested in PolicyIT; here only what Docker is told matters.
 */
class RuntimeFieldsIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct("-Dhostlet.policy.level=privileged");

    private final TestEngine engine = hostlet.engine();

    @Test
    void everyHostFacingFieldReachesTheEngine() {
        String full = hostlet.name("full");
        String host = hostlet.name("host");
        String plain = hostlet.name("plain");
        hostlet.write(full + ".yaml", Manifest.container(full).spec(
                "hostPID: true",
                "hostIPC: true",
                "securityContext:",
                "  capabilities: {add: [NET_ADMIN], drop: [MKNOD]}",
                "  readOnlyRootFilesystem: true",
                "  noNewPrivileges: true",
                "  runAsUser: 1000",
                "  runAsGroup: 1000",
                "devices: [{hostPath: /dev/zero, containerPath: /dev/z, permissions: r}]",
                "extraHosts: [\"printer.lan:192.168.1.20\"]",
                "hostname: media",
                "dns: [192.0.2.53]",
                "tmpfs: [{mountPath: /cache, size: 1Mi}, {mountPath: /scratch}]",
                "shmSize: 32Mi",
                "sysctls: {net.core.somaxconn: \"1024\"}",
                "init: true",
                "stopSignal: SIGINT",
                "ulimits: {nofile: {soft: 1024, hard: 2048}}",
                "logging: {driver: local, options: {max-size: 5m}}"));
        hostlet.write(host + ".yaml", Manifest.container(host).spec("hostNetwork: true",
                "securityContext: {seccompProfile: {type: Unconfined}}"));
        hostlet.write(plain + ".yaml", Manifest.container(plain));

        InspectContainerResponse f = hostlet.awaitRunning(full);
        HostConfig h = f.getHostConfig();
        assertThat(h.getPidMode()).isEqualTo("host");
        assertThat(h.getIpcMode()).isEqualTo("host");
        assertThat(h.getCapAdd()).containsExactly(Capability.NET_ADMIN);
        assertThat(h.getCapDrop()).containsExactly(Capability.MKNOD);
        assertThat(h.getReadonlyRootfs()).isTrue();
        assertThat(h.getSecurityOpts()).contains("no-new-privileges:true"); // the engine adds label=disable for host namespaces
        assertThat(f.getConfig().getUser()).isEqualTo("1000:1000");
        assertThat(h.getDevices()).containsExactly(new Device("r", "/dev/z", "/dev/zero"));
        assertThat(h.getExtraHosts()).containsExactly("printer.lan:192.168.1.20");
        assertThat(f.getConfig().getHostName()).isEqualTo("media");
        assertThat(h.getDns()).containsExactly("192.0.2.53");
        assertThat(h.getTmpFs()).isEqualTo(Map.of("/cache", "size=1048576", "/scratch", ""));
        assertThat(h.getShmSize()).isEqualTo(32L << 20);
        assertThat(h.getSysctls()).isEqualTo(Map.of("net.core.somaxconn", "1024"));
        assertThat(h.getInit()).isTrue();
        assertThat(inspect(full, "{{.Config.StopSignal}}")).isEqualTo("SIGINT"); // docker-java's model lacks it
        assertThat(h.getUlimits()).containsExactly(new Ulimit("nofile", 1024L, 2048L));
        assertThat(h.getLogConfig().getType().getType()).isEqualTo("local");
        assertThat(h.getLogConfig().getConfig()).isEqualTo(Map.of("max-size", "5m"));
        // and the process sees them
        assertThat(engine.exec(full, "cat", "/proc/sys/net/core/somaxconn").output().trim()).isEqualTo("1024");
        assertThat(engine.exec(full, "id", "-u").output().trim()).isEqualTo("1000");
        assertThat(engine.exec(full, "touch", "/x").exitCode()).isNotZero(); // read-only root

        InspectContainerResponse n = hostlet.awaitRunning(host);
        assertThat(n.getHostConfig().getNetworkMode()).isEqualTo("host");
        assertThat(n.getHostConfig().getSecurityOpts()).contains("seccomp=unconfined");

        // Without logging in the manifest: json-file, rotated (Docker's default would grow until the disk is full).
        InspectContainerResponse p = hostlet.awaitRunning(plain);
        assertThat(p.getHostConfig().getLogConfig().getType().getType()).isEqualTo("json-file");
        assertThat(p.getHostConfig().getLogConfig().getConfig()).isEqualTo(Map.of("max-size", "10m", "max-file", "3"));
        assertThat(p.getHostConfig().getPrivileged()).isFalse();
        assertThat(p.getHostConfig().getCapAdd()).isNullOrEmpty();
    }

    /**
     * Privileged through the adapter itself, created and not started: this test engine's runtime may not grant every
     * capability (runc: "unable to apply caps"), and what matters here is what Docker is told.
     */
    @Test
    void privilegedIsToldToTheEngine() throws Exception {
        String name = hostlet.name("priv");
        String yaml = Manifest.container(name).spec("securityContext: {privileged: true}").yaml();
        io.hostlet.manifest.ContainerManifest m = io.hostlet.manifest.ManifestParser.parse(name + ".yaml", yaml).manifests().get(0);
        try (io.hostlet.engine.DockerEngine docker = new io.hostlet.engine.DockerEngine(engine.dockerHost(),
                hostlet.instance(), java.time.Duration.ofSeconds(30), io.hostlet.engine.RegistryAuth.none())) {
            String id = docker.createContainer(m, name, io.hostlet.observed.Labels.ownership(hostlet.instance()), java.util.List.of());
            try {
                assertThat(engine.existing(name).getHostConfig().getPrivileged()).isTrue();
            } finally {
                docker.removeContainer(id);
            }
        }
    }

    /** {@code docker inspect -f format name}, for what docker-java's model does not carry. */
    private String inspect(String name, String format) {
        try {
            ProcessBuilder pb = new ProcessBuilder("docker", "inspect", "-f", format, name).redirectErrorStream(true);
            pb.environment().put("DOCKER_HOST", engine.dockerHost());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor()).as(out).isZero();
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSuspendedContainerIsStoppedKeptAndNotRestartedUntilSuspendIsLifted() {
        String name = hostlet.name("nap");
        Manifest m = Manifest.container(name);
        hostlet.write(name + ".yaml", m);
        String id = hostlet.awaitRunning(name).getId();

        hostlet.write(name + ".yaml", Manifest.container(name).spec("suspend: true"));
        await().untilAsserted(() -> {
            InspectContainerResponse c = engine.existing(name);
            assertThat(c.getId()).isEqualTo(id);
            assertThat(c.getState().getRunning()).isFalse();
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Suspended");
        });
        // Not restarted (restartPolicy Always), not removed, not recreated, pass after pass.
        hostlet.holdsAcrossPasses(3, () -> {
            InspectContainerResponse c = engine.existing(name);
            assertThat(c.getId()).isEqualTo(id);
            assertThat(c.getState().getRunning()).isFalse();
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Suspended");
        });

        hostlet.write(name + ".yaml", m);
        await().untilAsserted(() -> {
            assertThat(engine.running(name).getId()).isEqualTo(id); // started again, the same container
            assertThat(hostlet.containerStatus(name).path("phase").asText()).isEqualTo("Running");
        });
    }
}
