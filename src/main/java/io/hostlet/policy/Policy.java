package io.hostlet.policy;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import io.hostlet.manifest.RuntimeSpec;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What manifests may ask of the host: a level ({@link Level}), and exceptions per manifest name that live only in
 * hostlet's configuration, so a pushed commit cannot grant itself rights. Pure apart from {@link HostPaths}.
 *
 * <p>Applied where manifest files are read ({@link #apply}): a file with a refused manifest is invalid as a whole,
 * exactly like a file with a syntax error, so its last good version stays in force and a running container keeps
 * its spec.
 */
public final class Policy {

    /** Docker's default capabilities (moby's {@code DefaultCapabilities}): adding one of these grants nothing new. */
    public static final Set<String> DOCKER_DEFAULT_CAPABILITIES = Set.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER",
            "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",
            "AUDIT_WRITE");

    /** Host paths no container may bind-mount under baseline, nor a folder holding one. */
    public static final List<String> SENSITIVE_PATHS = List.of("/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root",
            "/run", "/var/run/docker.sock", "/var/lib/docker");

    /**
     * Sysctls baseline allows: Kubernetes' safe set (Pod Security Standards baseline, 1.29), namespaced and unable to
     * touch the host or its other containers. Other namespaced ones (net.core.somaxconn, kernel.msgmax, ...) can take
     * kernel memory or resources shared with the host, so they need {@link Rule#sysctls} allowed.
     */
    public static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range",
            "net.ipv4.tcp_syncookies", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_fin_timeout");

    private final Level level;
    private final Map<String, Set<Rule>> allow;
    private final List<String> sensitive;
    private final HostPaths paths;

    /**
     * @param level     the level checked
     * @param allow     rules lifted per manifest name
     * @param ownPaths  hostlet's own folders (manifests, state, secrets, git checkout), refused like {@link #SENSITIVE_PATHS}
     * @param paths     how host paths resolve
     */
    public Policy(Level level, Map<String, Set<Rule>> allow, List<Path> ownPaths, HostPaths paths) {
        this.level = level;
        this.allow = new TreeMap<>(allow);
        this.paths = paths;
        Set<String> s = new LinkedHashSet<>();
        for (String p : SENSITIVE_PATHS) {
            s.add(p);
            s.add(paths.real(p)); // /var/run is often a link to /run
        }
        for (Path p : ownPaths) {
            String abs = p.toAbsolutePath().normalize().toString();
            s.add(abs);
            s.add(paths.real(abs));
        }
        this.sensitive = List.copyOf(s);
    }

    /** The default: baseline, no exceptions, only the fixed sensitive paths, resolved on the local file system. */
    public static Policy baseline() {
        return new Policy(Level.baseline, Map.of(), List.of(), HostPaths.LOCAL);
    }

    /** The level checked. */
    public Level level() {
        return level;
    }

    /**
     * Reads {@code hostlet.policy.allow} entries: manifest name to a comma-separated list of rule names.
     *
     * @throws IllegalArgumentException naming the entry, when a rule name is unknown
     */
    public static Map<String, Set<Rule>> parseAllow(Map<String, String> entries) {
        Map<String, Set<Rule>> out = new TreeMap<>();
        entries.forEach((name, list) -> {
            Set<Rule> rules = EnumSet.noneOf(Rule.class);
            for (String item : list.split(",")) {
                String rule = item.trim();
                if (!rule.isEmpty()) {
                    rules.add(Rule.named(rule).orElseThrow(() -> new IllegalArgumentException(
                            "hostlet.policy.allow.\"" + name + "\": unknown rule \"" + rule + "\" (known: "
                                    + String.join(", ", Arrays.stream(Rule.values()).map(Rule::name).toList()) + ")")));
                }
            }
            out.put(name, rules);
        });
        return out;
    }

    /**
     * {@code result} with every refusal of its manifests added as an error at the refused field ({@code content} is
     * the file's text, read again only to find positions when something is refused); a file with a refusal keeps no
     * manifest, like any invalid file. Results that already have errors are returned as they are.
     */
    public ParseResult apply(ParseResult result, String content) {
        if (!result.ok() || level == Level.privileged) {
            return result;
        }
        List<ManifestError> errors = new ArrayList<>();
        for (ContainerManifest m : result.manifests()) {
            for (Violation v : check(m)) {
                errors.add(ManifestParser.errorAt(m.source().file(), content, m.source().line(), v.field(), v.message()));
            }
        }
        return errors.isEmpty() ? result : new ParseResult(List.of(), errors);
    }

    /** What {@code m} asks for that this policy refuses, in field order. */
    public List<Violation> check(ContainerManifest m) {
        List<Violation> out = new ArrayList<>();
        Set<Rule> allowed = allow.getOrDefault(m.name(), Set.of());
        ContainerSpec s = m.spec();
        RuntimeSpec r = s.runtime();
        RuntimeSpec.SecurityContext sc = r.securityContext();
        Checker c = new Checker(m.name(), allowed, out);
        c.refuseIf(sc.privileged(), Rule.privileged, "spec.securityContext.privileged");
        c.refuseIf(r.hostNetwork(), Rule.hostNetwork, "spec.hostNetwork");
        c.refuseIf(r.hostPID(), Rule.hostPID, "spec.hostPID");
        c.refuseIf(r.hostIPC(), Rule.hostIPC, "spec.hostIPC");
        for (int i = 0; i < sc.capAdd().size(); i++) {
            String cap = sc.capAdd().get(i);
            c.refuseIf(!DOCKER_DEFAULT_CAPABILITIES.contains(cap), Rule.capabilities,
                    "spec.securityContext.capabilities.add[" + i + "]", cap);
        }
        for (int i = 0; i < r.devices().size(); i++) {
            c.refuseIf(true, Rule.devices, "spec.devices[" + i + "].hostPath", r.devices().get(i).hostPath());
        }
        for (int i = 0; i < s.volumes().size(); i++) {
            ContainerSpec.VolumeMount v = s.volumes().get(i);
            if (v.hostPath() != null) {
                String hit = sensitive(v.hostPath());
                c.refuseIf(hit != null, Rule.hostPath, "spec.volumes[" + i + "].hostPath",
                        hit == null ? null : v.hostPath() + (hit.equals(v.hostPath()) ? "" : " (reaches " + hit + ")"));
            }
        }
        for (String sysctl : r.sysctls().keySet()) {
            // Docker also accepts net/ipv4/ip_local_port_range; compare in the dotted spelling.
            c.refuseIf(!SAFE_SYSCTLS.contains(sysctl.replace('/', '.')), Rule.sysctls, "spec.sysctls", sysctl);
        }
        c.refuseIf(sc.seccompProfile() == RuntimeSpec.Profile.Unconfined, Rule.unconfined,
                "spec.securityContext.seccompProfile.type");
        c.refuseIf(sc.appArmorProfile() == RuntimeSpec.Profile.Unconfined, Rule.unconfined,
                "spec.securityContext.appArmorProfile.type");
        String root = rootDetail(s);
        c.refuseIf(root != null, Rule.runAsNonRoot, sc.runAsUser() != null ? "spec.securityContext.runAsUser"
                : s.user() != null ? "spec.user" : "spec", root);
        c.refuseIf(!sc.readOnlyRootFilesystem(), Rule.readOnlyRootFilesystem, "spec");
        c.refuseIf(!sc.capDrop().contains("ALL"), Rule.dropAllCapabilities, "spec");
        c.refuseIf(!sc.noNewPrivileges(), Rule.noNewPrivileges, "spec");
        c.refuseIf(s.resources().memoryBytes() == null, Rule.memoryLimit, "spec");
        return out;
    }

    /**
     * Why {@code s} may run as root, or null when it runs as a verified non-zero uid. Docker (runc's
     * {@code GetExecUser}) takes the part before {@code :} as a uid whenever Go's {@code strconv.Atoi} reads it
     * ({@code "00"}, {@code "+0"} and {@code "0000"} are uid 0) and as a name otherwise, looked up in the image's
     * {@code /etc/passwd}, which the image's author writes. So, like the kubelet, only a number is verified: a name
     * cannot be, whatever it is called, and is refused.
     */
    static String rootDetail(ContainerSpec s) {
        Long uid = s.runtime().securityContext().runAsUser();
        if (uid != null) {
            return uid > 0 ? null : "uid " + uid;
        }
        if (s.user() == null || s.user().isEmpty()) {
            return "no user is set, so the image's user runs, which is root unless the image says otherwise";
        }
        int colon = s.user().indexOf(':');
        String user = colon < 0 ? s.user() : s.user().substring(0, colon);
        BigInteger number = goAtoi(user);
        if (number == null) {
            return user.isEmpty() ? "\"" + s.user() + "\" names no user, so the image's user runs"
                    : "\"" + user + "\" is a name, which only the image's /etc/passwd maps to a uid: give a numeric uid";
        }
        return number.signum() > 0 ? null : "\"" + user + "\" is uid " + number;
    }

    /** {@code text} as Go's {@code strconv.Atoi} reads it on 64 bits (an optional sign, ASCII digits), else null. */
    private static BigInteger goAtoi(String text) {
        String digits = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return null;
        }
        BigInteger n = new BigInteger(text.startsWith("+") ? digits : text);
        return n.bitLength() < 64 ? n : null; // out of int64's range: Atoi fails and runc treats it as a name
    }

    /** The sensitive path {@code hostPath} is, lies under or holds; null when none. */
    private String sensitive(String hostPath) {
        String real = paths.real(hostPath);
        for (String candidate : List.of(Path.of(hostPath).normalize().toString(), real)) {
            String file = Path.of(candidate).getFileName() == null ? "" : Path.of(candidate).getFileName().toString();
            if (file.endsWith(".sock") && file.contains("docker")) {
                return candidate; // any Docker socket, wherever it lives
            }
            for (String s : sensitive) {
                boolean same = candidate.equals(s);
                boolean under = !s.equals("/") && candidate.startsWith(s + "/");
                boolean holds = s.startsWith(candidate.equals("/") ? "/" : candidate + "/");
                if (same || under || holds) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Collects refusals for one manifest, skipping rules this level does not check and rules allowed for it. */
    private final class Checker {
        private final String name;
        private final Set<Rule> allowed;
        private final List<Violation> out;

        Checker(String name, Set<Rule> allowed, List<Violation> out) {
            this.name = name;
            this.allowed = allowed;
            this.out = out;
        }

        void refuseIf(boolean condition, Rule rule, String field) {
            refuseIf(condition, rule, field, null);
        }

        void refuseIf(boolean condition, Rule rule, String field, String detail) {
            if (!condition || !rule.checkedAt(level) || allowed.contains(rule)) {
                return;
            }
            out.add(new Violation(field, rule, (field.equals("spec") ? "" : field + ": ") + "refused by policy " + level
                    + " (rule " + rule + "): the container " + rule.refusal() + (detail == null ? "" : ": " + detail)
                    + "; only hostlet's configuration can allow it: hostlet.policy.allow.\"" + name + "\"=" + rule));
        }
    }
}
