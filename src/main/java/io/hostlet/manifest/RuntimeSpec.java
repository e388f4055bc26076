package io.hostlet.manifest;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host-facing part of a container spec: namespaces, security context, devices, name resolution, tmpfs, kernel
 * settings, init, stop signal, ulimits and logging. Kept apart from {@link ContainerSpec}'s older fields so that
 * {@link #NONE} (every field at Docker's default) says in one place what "not set" means; {@link SpecHash} writes
 * only what differs from it, so existing containers keep their hash.
 *
 * <p>Lists and maps are never null (empty when absent); optional scalars are null when absent.
 *
 * @param logging the manifest's own logging, or null: hostlet then applies its rotation default at create time
 *                ({@link Logging#DEFAULT_OPTIONS}), which is deliberately not part of the spec hash
 */
public record RuntimeSpec(
        boolean hostNetwork,
        boolean hostPID,
        boolean hostIPC,
        SecurityContext securityContext,
        List<Device> devices,
        List<String> extraHosts,
        String hostname,
        List<String> dns,
        List<Tmpfs> tmpfs,
        Long shmSizeBytes,
        Map<String, String> sysctls,
        boolean init,
        String stopSignal,
        Map<String, Ulimit> ulimits,
        Logging logging) {

    /** Every field at its default. */
    public static final RuntimeSpec NONE = new RuntimeSpec(false, false, false, SecurityContext.NONE, List.of(),
            List.of(), null, List.of(), List.of(), null, Map.of(), false, null, Map.of(), null);

    public RuntimeSpec {
        devices = List.copyOf(devices);
        extraHosts = List.copyOf(extraHosts);
        dns = List.copyOf(dns);
        tmpfs = List.copyOf(tmpfs);
        sysctls = java.util.Collections.unmodifiableMap(new TreeMap<>(sysctls));
        ulimits = java.util.Collections.unmodifiableMap(new TreeMap<>(ulimits));
    }

    /**
     * Kubernetes' {@code securityContext} as far as Docker has it. {@code capAdd}/{@code capDrop} hold capability
     * names without the {@code CAP_} prefix, upper case ({@code ALL} allowed); the user and group are null when
     * not given. {@code seccomp}/{@code appArmor} are {@code RuntimeDefault} or {@code Unconfined}.
     */
    public record SecurityContext(boolean privileged, List<String> capAdd, List<String> capDrop,
                                  boolean readOnlyRootFilesystem, boolean noNewPrivileges, Long runAsUser,
                                  Long runAsGroup, Profile seccompProfile, Profile appArmorProfile) {
        public static final SecurityContext NONE = new SecurityContext(false, List.of(), List.of(), false, false,
                null, null, Profile.RuntimeDefault, Profile.RuntimeDefault);

        public SecurityContext {
            capAdd = List.copyOf(capAdd);
            capDrop = List.copyOf(capDrop);
        }
    }

    /** A seccomp or AppArmor profile: the engine's default, or none at all. */
    public enum Profile { RuntimeDefault, Unconfined }

    /** A host device made visible in the container; {@code permissions} is a subset of {@code rwm}. */
    public record Device(String hostPath, String containerPath, String permissions) {
        public static final String DEFAULT_PERMISSIONS = "rwm";
    }

    /** A tmpfs mount; {@code sizeBytes} null means the kernel's default (half of RAM). */
    public record Tmpfs(String mountPath, Long sizeBytes) {}

    /** A resource limit; {@code soft} is at most {@code hard}. */
    public record Ulimit(long soft, long hard) {}

    /** The log driver and its options, as written (options sorted by key). */
    public record Logging(String driver, Map<String, String> options) {
        /** Docker's default driver, which grows without bound unless told otherwise. */
        public static final String JSON_FILE = "json-file";
        /** The rotation hostlet gives json-file logs unless the manifest says otherwise: at most 30 MB per container. */
        public static final Map<String, String> DEFAULT_OPTIONS = Map.of("max-size", "10m", "max-file", "3");

        public Logging {
            options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
        }

        /**
         * What the container is created with for {@code written} (null: the manifest has no {@code logging}):
         * json-file logs get {@link #DEFAULT_OPTIONS} for the options the manifest leaves out; other drivers are
         * taken as written.
         */
        public static Logging effective(Logging written) {
            Logging l = written == null ? new Logging(JSON_FILE, Map.of()) : written;
            if (!JSON_FILE.equals(l.driver())) {
                return l;
            }
            Map<String, String> options = new TreeMap<>(DEFAULT_OPTIONS);
            options.putAll(l.options());
            return new Logging(l.driver(), options);
        }
    }
}
