package io.hostlet.engine;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.RuntimeSpec;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.Labels;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.VolumeOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec to create-request mapping: what {@code POST /containers/create} carries for a manifest, and nothing else.
 * Pure (it sets fields of a command, it calls no engine), so its output is pinned by golden JSON files
 * ({@code CreateRequestTest}); the adapter sends the command, joins the further networks and copies the files.
 */
final class CreateRequest {

    private CreateRequest() {
    }

    /**
     * {@code cmd} (a create command for the spec's image) filled for {@code m} under {@code name} with {@code labels},
     * mounting the {@code carried} anonymous volumes, with the manifest's name as a network alias when {@code alias}.
     */
    static CreateContainerCmd fill(CreateContainerCmd cmd, ContainerManifest m, String name, Map<String, String> labels,
                                   List<AnonymousVolume> carried, boolean alias) {
        ContainerSpec s = m.spec();
        List<String> networks = s.networks();
        List<Mount> mounts = mounts(s, labels);
        for (AnonymousVolume v : carried) {
            // The old container's volume by its engine name, at its old path: the image's VOLUME gets no new one.
            mounts.add(new Mount().withType(MountType.VOLUME).withSource(v.name()).withTarget(v.path()));
        }
        HostConfig host = HostConfig.newHostConfig()
                .withRestartPolicy(restartPolicy(s.restartPolicy()))
                .withMounts(mounts)
                .withPortBindings(portBindings(s));
        if (!networks.isEmpty()) {
            host.withNetworkMode(networks.get(0));
        }
        if (s.resources().memoryBytes() != null) {
            host.withMemory(s.resources().memoryBytes());
        }
        if (s.resources().cpus() != null) {
            host.withNanoCPUs(Math.round(s.resources().cpus() * 1_000_000_000L));
        }
        runtime(host, s.runtime());
        Map<String, String> all = new HashMap<>(m.labels());
        all.putAll(labels);
        cmd
                .withName(name)
                .withLabels(all)
                .withEnv(s.environment())
                .withExposedPorts(s.ports().stream().map(CreateRequest::exposed).toList())
                .withStopTimeout((int) s.stopGracePeriod().toSeconds())
                .withHostConfig(host);
        if (!s.command().isEmpty()) {
            cmd.withEntrypoint(s.command());
        }
        if (!s.args().isEmpty()) {
            cmd.withCmd(s.args());
        }
        if (s.workingDir() != null) {
            cmd.withWorkingDir(s.workingDir());
        }
        if (s.user() != null) {
            cmd.withUser(s.user());
        }
        RuntimeSpec.SecurityContext sc = s.runtime().securityContext();
        if (sc.runAsUser() != null) {
            cmd.withUser(sc.runAsUser() + (sc.runAsGroup() == null ? "" : ":" + sc.runAsGroup()));
        }
        if (s.runtime().hostname() != null) {
            cmd.withHostName(s.runtime().hostname());
        }
        if (s.runtime().stopSignal() != null) {
            cmd.withStopSignal(s.runtime().stopSignal());
        }
        if (s.healthcheck() != null) {
            cmd.withHealthcheck(healthCheck(s.healthcheck()));
        }
        if (!networks.isEmpty() && alias) {
            // The manifest's name as a network alias: a replacement (created under another name beside the container
            // it replaces) answers to it from the start, so clients find one of the two during the swap. Only
            // user-defined networks have aliases, and every network a manifest lists is one (hostlet makes them).
            cmd.withAliases(m.name());
        }
        return cmd;
    }

    /** The host-facing fields, each set only when the manifest sets it, so Docker's defaults stay Docker's. */
    private static void runtime(HostConfig host, RuntimeSpec r) {
        if (r.hostNetwork()) {
            host.withNetworkMode("host");
        }
        if (r.hostPID()) {
            host.withPidMode("host");
        }
        if (r.hostIPC()) {
            host.withIpcMode("host");
        }
        RuntimeSpec.SecurityContext sc = r.securityContext();
        if (sc.privileged()) {
            host.withPrivileged(true);
        }
        if (!sc.capAdd().isEmpty()) {
            host.withCapAdd(sc.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        if (!sc.capDrop().isEmpty()) {
            host.withCapDrop(sc.capDrop().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        if (sc.readOnlyRootFilesystem()) {
            host.withReadonlyRootfs(true);
        }
        List<String> securityOpts = new ArrayList<>();
        if (sc.noNewPrivileges()) {
            securityOpts.add("no-new-privileges:true");
        }
        if (sc.seccompProfile() == RuntimeSpec.Profile.Unconfined) {
            securityOpts.add("seccomp=unconfined");
        }
        if (sc.appArmorProfile() == RuntimeSpec.Profile.Unconfined) {
            securityOpts.add("apparmor=unconfined");
        }
        if (!securityOpts.isEmpty()) {
            host.withSecurityOpts(securityOpts);
        }
        if (!r.devices().isEmpty()) {
            host.withDevices(r.devices().stream()
                    .map(d -> new Device(d.permissions(), d.containerPath(), d.hostPath())).toList());
        }
        if (!r.extraHosts().isEmpty()) {
            host.withExtraHosts(r.extraHosts().toArray(String[]::new));
        }
        if (!r.dns().isEmpty()) {
            host.withDns(r.dns());
        }
        if (!r.tmpfs().isEmpty()) {
            Map<String, String> tmpfs = new LinkedHashMap<>();
            r.tmpfs().forEach(t -> tmpfs.put(t.mountPath(), t.sizeBytes() == null ? "" : "size=" + t.sizeBytes()));
            host.withTmpFs(tmpfs);
        }
        if (r.shmSizeBytes() != null) {
            host.withShmSize(r.shmSizeBytes());
        }
        if (!r.sysctls().isEmpty()) {
            host.withSysctls(r.sysctls());
        }
        if (r.init()) {
            host.withInit(true);
        }
        if (!r.ulimits().isEmpty()) {
            host.withUlimits(r.ulimits().entrySet().stream()
                    .map(e -> new Ulimit(e.getKey(), e.getValue().soft(), e.getValue().hard())).toList());
        }
        // Rotation by default (see RuntimeSpec.Logging#effective): Docker's json-file default grows until the disk is full.
        RuntimeSpec.Logging logging = RuntimeSpec.Logging.effective(r.logging());
        host.withLogConfig(new LogConfig(LogConfig.LoggingType.fromValue(logging.driver()), logging.options().isEmpty()
                ? null : new HashMap<>(logging.options())));
    }

    private static HealthCheck healthCheck(io.hostlet.manifest.HealthCheck h) {
        List<String> test = new ArrayList<>();
        test.add("CMD");
        test.addAll(h.command());
        return new HealthCheck()
                .withTest(test)
                .withInterval(h.interval().toNanos())
                .withTimeout(h.timeout().toNanos())
                .withRetries(h.retries())
                .withStartPeriod(h.startPeriod().toNanos());
    }

    static ExposedPort exposed(ContainerSpec.PortMapping p) {
        return p.protocol() == ContainerSpec.Protocol.UDP ? ExposedPort.udp(p.containerPort()) : ExposedPort.tcp(p.containerPort());
    }

    private static Ports portBindings(ContainerSpec s) {
        List<PortBinding> bindings = new ArrayList<>();
        for (ContainerSpec.PortMapping p : s.ports()) {
            if (p.hostPort() != null) {
                Ports.Binding b = p.hostIP() == null
                        ? Ports.Binding.bindPort(p.hostPort())
                        : Ports.Binding.bindIpAndPort(p.hostIP(), p.hostPort());
                bindings.add(new PortBinding(b, exposed(p)));
            }
        }
        return new Ports(bindings.toArray(PortBinding[]::new));
    }

    private static List<Mount> mounts(ContainerSpec s, Map<String, String> labels) {
        List<Mount> mounts = new ArrayList<>();
        for (ContainerSpec.VolumeMount v : s.volumes()) {
            Mount mount = new Mount().withTarget(v.mountPath()).withReadOnly(v.readOnly());
            if (v.isNamedVolume()) {
                // A volume created here carries the ownership labels for the record; hostlet never removes one.
                mount.withType(MountType.VOLUME).withSource(v.name())
                        .withVolumeOptions(new VolumeOptions().withLabels(Labels.ownership(labels.get(Labels.INSTANCE))));
            } else {
                mount.withType(MountType.BIND).withSource(v.hostPath());
            }
            mounts.add(mount);
        }
        return mounts;
    }

    private static RestartPolicy restartPolicy(io.hostlet.manifest.RestartPolicy p) {
        return switch (p) {
            case Always -> RestartPolicy.alwaysRestart();
            case OnFailure -> RestartPolicy.onFailureRestart(0);
            case Never -> RestartPolicy.noRestart();
        };
    }
}
