package io.hostlet.policy;

import java.util.Arrays;
import java.util.Optional;

/**
 * One thing the policy refuses, named as in {@code hostlet.policy.allow."<manifest>"=<rule>,<rule>}. Each rule belongs
 * to the lowest level that checks it ({@link #level}); a stricter level checks its rules and those of the levels
 * above it.
 */
public enum Rule {
    privileged(Level.baseline, "runs privileged, with every capability and every host device"),
    hostNetwork(Level.baseline, "shares the host's network namespace"),
    hostPID(Level.baseline, "sees and may signal every process of the host"),
    hostIPC(Level.baseline, "shares the host's IPC namespace"),
    capabilities(Level.baseline, "adds capabilities beyond Docker's default set"),
    devices(Level.baseline, "is given host devices"),
    hostPath(Level.baseline, "bind-mounts a sensitive host path"),
    unconfined(Level.baseline, "runs without a seccomp or AppArmor profile"),
    sysctls(Level.baseline, "sets a sysctl outside Kubernetes' safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,"
            + " net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, net.ipv4.ping_group_range,"
            + " net.ipv4.tcp_syncookies, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_keepalive_intvl,"
            + " net.ipv4.tcp_keepalive_probes, net.ipv4.tcp_fin_timeout)"),
    runAsNonRoot(Level.restricted, "may run as root (set securityContext.runAsUser or user to a non-root user)"),
    readOnlyRootFilesystem(Level.restricted, "has a writable root filesystem (set securityContext.readOnlyRootFilesystem)"),
    dropAllCapabilities(Level.restricted, "keeps capabilities (set securityContext.capabilities.drop: [ALL])"),
    noNewPrivileges(Level.restricted, "may gain privileges (set securityContext.noNewPrivileges)"),
    memoryLimit(Level.restricted, "has no memory limit (set resources.memory)");

    private final Level level;
    private final String refusal;

    Rule(Level level, String refusal) {
        this.level = level;
        this.refusal = refusal;
    }

    /** The most permissive level that still checks this rule. */
    public Level level() {
        return level;
    }

    /** What the container would do, in words, for the error message. */
    public String refusal() {
        return refusal;
    }

    /** Whether {@code l} checks this rule. */
    public boolean checkedAt(Level l) {
        return l.ordinal() <= level.ordinal();
    }

    /** The rule called {@code name}, if any. */
    public static Optional<Rule> named(String name) {
        return Arrays.stream(values()).filter(r -> r.name().equals(name)).findFirst();
    }
}
