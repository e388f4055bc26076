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

    /**
     * A builder with every field but the image at its default: no command, args, env, ports, volumes or networks,
     * {@link RestartPolicy#Always}, {@link Resources#NONE}, {@link #DEFAULT_STOP_GRACE}, no health check or
     * dependencies, {@link RuntimeSpec#NONE}, not suspended, {@link FileSources#NONE}, {@link UpdatePolicy#DEFAULT},
     * and the pull policy {@link PullPolicy#defaultFor the image implies} (set when the builder is made: changing the
     * image later keeps it).
     */
    public static Builder builder(String image) {
        return new Builder().image(image).imagePullPolicy(image == null ? null : PullPolicy.defaultFor(image));
    }

    /** A builder starting from every field of this spec, to make a variation of it. */
    public Builder toBuilder() {
        return new Builder().image(image).imagePullPolicy(imagePullPolicy).command(command).args(args)
                .workingDir(workingDir).user(user).env(env).ports(ports).volumes(volumes).networks(networks)
                .restartPolicy(restartPolicy).resources(resources).stopGracePeriod(stopGracePeriod)
                .healthcheck(healthcheck).restartOnUnhealthy(restartOnUnhealthy).dependsOn(dependsOn).runtime(runtime)
                .suspend(suspend).sources(sources).update(update);
    }

    /** This spec with {@code s} as its sources (the desired-state reader fills in their contents). */
    public ContainerSpec withSources(FileSources s) {
        return toBuilder().sources(s).build();
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
        return toBuilder().update(u).build();
    }

    /**
     * Names the fields of a {@link ContainerSpec} instead of passing twenty positionally, so that a new field touches
     * only the record, this builder and the places that use it. Each setter replaces the field's value.
     */
    public static final class Builder {
        private String image;
        private PullPolicy imagePullPolicy;
        private List<String> command = List.of();
        private List<String> args = List.of();
        private String workingDir;
        private String user;
        private List<EnvVar> env = List.of();
        private List<PortMapping> ports = List.of();
        private List<VolumeMount> volumes = List.of();
        private List<String> networks = List.of();
        private RestartPolicy restartPolicy = RestartPolicy.Always;
        private Resources resources = Resources.NONE;
        private Duration stopGracePeriod = DEFAULT_STOP_GRACE;
        private HealthCheck healthcheck;
        private boolean restartOnUnhealthy;
        private List<Dependency> dependsOn = List.of();
        private RuntimeSpec runtime = RuntimeSpec.NONE;
        private boolean suspend;
        private FileSources sources = FileSources.NONE;
        private UpdatePolicy update = UpdatePolicy.DEFAULT;

        private Builder() {
        }

        public Builder image(String v) {
            image = v;
            return this;
        }

        public Builder imagePullPolicy(PullPolicy v) {
            imagePullPolicy = v;
            return this;
        }

        public Builder command(List<String> v) {
            command = v;
            return this;
        }

        public Builder args(List<String> v) {
            args = v;
            return this;
        }

        public Builder workingDir(String v) {
            workingDir = v;
            return this;
        }

        public Builder user(String v) {
            user = v;
            return this;
        }

        public Builder env(List<EnvVar> v) {
            env = v;
            return this;
        }

        public Builder ports(List<PortMapping> v) {
            ports = v;
            return this;
        }

        public Builder volumes(List<VolumeMount> v) {
            volumes = v;
            return this;
        }

        public Builder networks(List<String> v) {
            networks = v;
            return this;
        }

        public Builder restartPolicy(RestartPolicy v) {
            restartPolicy = v;
            return this;
        }

        public Builder resources(Resources v) {
            resources = v;
            return this;
        }

        public Builder stopGracePeriod(Duration v) {
            stopGracePeriod = v;
            return this;
        }

        public Builder healthcheck(HealthCheck v) {
            healthcheck = v;
            return this;
        }

        public Builder restartOnUnhealthy(boolean v) {
            restartOnUnhealthy = v;
            return this;
        }

        public Builder dependsOn(List<Dependency> v) {
            dependsOn = v;
            return this;
        }

        public Builder runtime(RuntimeSpec v) {
            runtime = v;
            return this;
        }

        public Builder suspend(boolean v) {
            suspend = v;
            return this;
        }

        public Builder sources(FileSources v) {
            sources = v;
            return this;
        }

        public Builder update(UpdatePolicy v) {
            update = v;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(image, imagePullPolicy, command, args, workingDir, user, env, ports, volumes,
                    networks, restartPolicy, resources, stopGracePeriod, healthcheck, restartOnUnhealthy, dependsOn, runtime, suspend, sources, update);
        }
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
