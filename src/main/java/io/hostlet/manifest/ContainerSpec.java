package io.hostlet.manifest;

import java.time.Duration;
import java.util.List;

/**
 * The {@code spec} of a Container manifest, validated and with defaults applied.
 * Lists are never null (empty when absent); optional scalars are null when absent.
 *
 * @param runtime the host-facing fields (namespaces, security context, devices, ...); {@link RuntimeSpec#NONE} when
 *                the manifest sets none
 * @param suspend whether the container is to be stopped and kept; a planner decision, not part of the spec hash
 * @param sources env values, env files, config files and secrets taken from files; {@link FileSources#NONE} when the
 *                manifest uses none
 * @param update  how a change replaces the container ({@code spec.update}); a planner decision, not part of the spec
 *                hash; {@link UpdatePolicy#DEFAULT} when absent
 */
public record ContainerSpec(
        String image,
        PullPolicy imagePullPolicy,
        List<String> command,
        List<String> args,
        String workingDir,
        String user,
        List<EnvVar> env,
        List<PortMapping> ports,
        List<VolumeMount> volumes,
        List<String> networks,
        RestartPolicy restartPolicy,
        Resources resources,
        Duration stopGracePeriod,
        HealthCheck healthcheck,
        boolean restartOnUnhealthy,
        List<Dependency> dependsOn,
        RuntimeSpec runtime,
        boolean suspend,
        FileSources sources,
        UpdatePolicy update) {

    /** The grace period used when a manifest gives none. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

    /** Docker's own networks: a manifest cannot list them, and no container has aliases on them. */
    public static final java.util.Set<String> RESERVED_NETWORKS = java.util.Set.of("bridge", "host", "none");

    public ContainerSpec {
        runtime = runtime == null ? RuntimeSpec.NONE : runtime;
        sources = sources == null ? FileSources.NONE : sources;
        update = update == null ? UpdatePolicy.DEFAULT : update;
        dependsOn = List.copyOf(dependsOn);
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = List.copyOf(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        networks = List.copyOf(networks);
    }

    /** A spec that takes nothing from files ({@link FileSources#NONE}), with the default {@link UpdatePolicy}. */
    public ContainerSpec(String image, PullPolicy imagePullPolicy, List<String> command, List<String> args,
                         String workingDir, String user, List<EnvVar> env, List<PortMapping> ports,
                         List<VolumeMount> volumes, List<String> networks, RestartPolicy restartPolicy,
                         Resources resources, Duration stopGracePeriod, HealthCheck healthcheck,
                         boolean restartOnUnhealthy, List<Dependency> dependsOn, RuntimeSpec runtime, boolean suspend) {
        this(image, imagePullPolicy, command, args, workingDir, user, env, ports, volumes, networks, restartPolicy,
                resources, stopGracePeriod, healthcheck, restartOnUnhealthy, dependsOn, runtime, suspend, FileSources.NONE,
                UpdatePolicy.DEFAULT);
    }

    /** This spec with {@code s} as its sources (the desired-state reader fills in their contents). */
    public ContainerSpec withSources(FileSources s) {
        return new ContainerSpec(image, imagePullPolicy, command, args, workingDir, user, env, ports, volumes, networks,
                restartPolicy, resources, stopGracePeriod, healthcheck, restartOnUnhealthy, dependsOn, runtime, suspend, s,
                update);
    }

    /** The container's environment: {@link #env} with what {@link #sources} adds (see {@link FileSources#environment}). */
    public List<String> environment() {
        return sources.environment(env);
    }

    /** The same spec with {@code v} as its volumes (the policy's resolved bind paths, for the engine). */
    public ContainerSpec withVolumes(List<VolumeMount> v) {
        return new ContainerSpec(image, imagePullPolicy, command, args, workingDir, user, env, ports, v, networks,
                restartPolicy, resources, stopGracePeriod, healthcheck, restartOnUnhealthy, dependsOn, runtime, suspend,
                sources, update);
    }

    /** The same spec with {@code u} as its update policy. */
    public ContainerSpec withUpdate(UpdatePolicy u) {
        return new ContainerSpec(image, imagePullPolicy, command, args, workingDir, user, env, ports, volumes, networks,
                restartPolicy, resources, stopGracePeriod, healthcheck, restartOnUnhealthy, dependsOn, runtime, suspend,
                sources, u);
    }

    /** A spec with the host-facing fields at their defaults ({@link RuntimeSpec#NONE}), not suspended. */
    public ContainerSpec(String image, PullPolicy imagePullPolicy, List<String> command, List<String> args,
                         String workingDir, String user, List<EnvVar> env, List<PortMapping> ports,
                         List<VolumeMount> volumes, List<String> networks, RestartPolicy restartPolicy,
                         Resources resources, Duration stopGracePeriod, HealthCheck healthcheck,
                         boolean restartOnUnhealthy, List<Dependency> dependsOn) {
        this(image, imagePullPolicy, command, args, workingDir, user, env, ports, volumes, networks, restartPolicy,
                resources, stopGracePeriod, healthcheck, restartOnUnhealthy, dependsOn, RuntimeSpec.NONE, false);
    }

    /** A spec without health check ({@code healthcheck} null, {@code restartOnUnhealthy} false) and without dependencies. */
    public ContainerSpec(String image, PullPolicy imagePullPolicy, List<String> command, List<String> args,
                         String workingDir, String user, List<EnvVar> env, List<PortMapping> ports,
                         List<VolumeMount> volumes, List<String> networks, RestartPolicy restartPolicy,
                         Resources resources, Duration stopGracePeriod) {
        this(image, imagePullPolicy, command, args, workingDir, user, env, ports, volumes, networks, restartPolicy,
                resources, stopGracePeriod, null, false, List.of());
    }

    /** A spec with only an image and every other field at its default; handy for tests and examples. */
    public static ContainerSpec ofImage(String image) {
        return new ContainerSpec(image, PullPolicy.defaultFor(image), List.of(), List.of(), null, null, List.of(),
                List.of(), List.of(), List.of(), RestartPolicy.Always, Resources.NONE, DEFAULT_STOP_GRACE);
    }

    /** One environment variable. */
    public record EnvVar(String name, String value) {}

    /** A published port; {@code hostPort} and {@code hostIP} are null when not given. */
    public record PortMapping(int containerPort, Integer hostPort, Protocol protocol, String hostIP) {}

    /** Transport protocol of a port. */
    public enum Protocol { TCP, UDP }

    /**
     * A mount: exactly one of {@code name} (a named volume, created if missing, never deleted) and
     * {@code hostPath} (a bind mount) is set.
     */
    public record VolumeMount(String name, String hostPath, String mountPath, boolean readOnly) {
        public boolean isNamedVolume() {
            return name != null;
        }
    }

    /** Limits; {@code memoryBytes} and {@code cpus} are null when unlimited. */
    public record Resources(Long memoryBytes, Double cpus) {
        public static final Resources NONE = new Resources(null, null);
    }
}
