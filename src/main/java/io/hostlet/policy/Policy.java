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

    /**
     * Host paths no container may bind-mount under baseline, whatever {@code hostlet.policy.host-paths} allows, nor a
     * folder holding one: the system, the engines' sockets and data (Docker, containerd, Podman), kubelet's.
     */
    public static final List<String> SENSITIVE_PATHS = List.of("/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root",
            "/run", "/var/run/docker.sock", "/var/lib/docker", "/var/lib/containerd", "/run/containerd",
            "/var/lib/kubelet", "/var/lib/containers", "/run/podman");

    /** Folders engines keep their sockets in under a user's home (Docker Desktop, colima, lima, Rancher, OrbStack). */
    static final Set<String> ENGINE_FOLDERS = Set.of(".docker", ".colima", ".lima", ".rd", ".orbstack");

    /** How deep and how wide a bound folder is searched for an engine's socket. */
    static final int SCAN_DEPTH = 3;
    static final int SCAN_ENTRIES = 2000;

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
    private final List<HostRoot> roots;
    private final List<String> realRoots;
    private final HostPaths paths;
    private final BindResolver resolver;
    /** Refused host paths learned from the engine after start (its data-root, the host side of hostlet's mounts). */
    private final java.util.concurrent.atomic.AtomicReference<List<String>> learned =
            new java.util.concurrent.atomic.AtomicReference<>(List.of());

    /**
     * A policy with the default allowed roots ({@link HostRoot#DEFAULT}).
     *
     * @param level     the level checked
     * @param allow     rules lifted per manifest name
     * @param ownPaths  hostlet's own folders (manifests, state, secrets, git checkout), refused like {@link #SENSITIVE_PATHS}
     * @param paths     the host's file system
     */
    public Policy(Level level, Map<String, Set<Rule>> allow, List<Path> ownPaths, HostPaths paths) {
        this(level, allow, HostRoot.DEFAULT, ownPaths.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList(),
                paths);
    }

    /**
     * @param level    the level checked
     * @param allow    rules lifted per manifest name
     * @param roots    where binds may come from ({@code hostlet.policy.host-paths})
     * @param refused  more host paths refused like {@link #SENSITIVE_PATHS}: hostlet's own folders, the engine's socket
     * @param paths    the host's file system
     */
    public Policy(Level level, Map<String, Set<Rule>> allow, List<HostRoot> roots, List<String> refused, HostPaths paths) {
        this.level = level;
        this.allow = new TreeMap<>(allow);
        this.paths = paths;
        this.resolver = new BindResolver(paths);
        this.roots = List.copyOf(roots);
        this.realRoots = roots.stream().map(r -> resolver.real(r.path())).toList();
        Set<String> s = new LinkedHashSet<>();
        for (String p : SENSITIVE_PATHS) {
            s.add(p);
            s.add(resolver.real(p)); // /var/run is often a link to /run
        }
        for (String p : refused) {
            String abs = BindResolver.normalize(p);
            s.add(abs);
            s.add(resolver.real(abs));
        }
        this.sensitive = List.copyOf(s);
    }

    /**
     * Adds host paths to refuse that are known only once the engine answers: its data-root, and when hostlet runs in
     * a container the host side of its own folders. Checked from then on, also at every create ({@link #admit}).
     */
    public void learn(List<String> hostPaths) {
        List<String> more = new ArrayList<>();
        for (String p : hostPaths) {
            String abs = BindResolver.normalize(p);
            more.add(abs);
            more.add(resolver.real(abs));
        }
        learned.set(List.copyOf(new LinkedHashSet<>(more)));
    }

    /** The roots binds may come from. */
    public List<HostRoot> roots() {
        return roots;
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
        List<Bind> binds = binds(s);
        for (int i = 0; i < binds.size(); i++) {
            Bind b = binds.get(i);
            if (b != null) {
                c.refuseIf(b.refusal() != null, Rule.hostPath, "spec.volumes[" + i + "].hostPath", b.refusal(), b.detail());
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

    /**
     * What the policy says of one bind mount: the path to give the engine (every symlink resolved), or why it is
     * refused ({@code refusal}, in the words of {@link Rule#refusal}, and {@code detail}).
     */
    record Bind(String resolved, String refusal, String detail) {
        static Bind refused(String refusal, String detail) {
            return new Bind(null, refusal, detail);
        }
    }

    /** One {@link Bind} per volume of {@code s} (null for named volumes), with binds nested in another writable one refused. */
    private List<Bind> binds(ContainerSpec s) {
        List<Bind> out = new ArrayList<>();
        for (ContainerSpec.VolumeMount v : s.volumes()) {
            out.add(v.hostPath() == null ? null : bind(v.hostPath(), v.readOnly()));
        }
        for (int i = 0; i < out.size(); i++) {
            Bind b = out.get(i);
            for (int j = 0; b != null && b.refusal() == null && j < out.size(); j++) {
                Bind w = out.get(j);
                if (j != i && w != null && w.resolved() != null && !s.volumes().get(j).readOnly()
                        && strictlyUnder(b.resolved(), w.resolved())) {
                    // The container could plant a link there through its writable bind, for its next create.
                    b = Bind.refused("bind-mounts a path inside another of its writable binds",
                            s.volumes().get(i).hostPath() + " (inside spec.volumes[" + j + "], " + w.resolved() + ")");
                    out.set(i, b);
                }
            }
        }
        return out;
    }

    private Bind bind(String hostPath, boolean readOnly) {
        String written = BindResolver.normalize(hostPath);
        String hit = sensitive(written);
        if (hit != null) {
            return Bind.refused(Rule.hostPath.refusal(), hostPath + (hit.equals(hostPath) ? "" : " (reaches " + hit + ")"));
        }
        String full = resolver.real(written);
        hit = sensitive(full); // where its links lead today, wherever that is, named in the message
        if (hit != null) {
            return Bind.refused(Rule.hostPath.refusal(), hostPath + " (reaches " + hit + ")");
        }
        int root = -1;
        for (int i = 0; i < roots.size(); i++) {
            if (BindResolver.isUnder(written, roots.get(i).path())
                    && (root < 0 || roots.get(i).path().length() > roots.get(root).path().length())) {
                root = i;
            }
        }
        if (root < 0) {
            return Bind.refused("bind-mounts a host path outside the allowed ones", hostPath
                    + " (hostlet.policy.host-paths: " + (roots.isEmpty() ? "none" : String.join(",",
                    roots.stream().map(HostRoot::toString).toList())) + ")");
        }
        HostRoot r = roots.get(root);
        BindResolver.Walk w = resolver.under(r.path(), realRoots.get(root), written);
        if (!w.ok()) {
            return Bind.refused("bind-mounts a path that cannot be resolved inside its allowed root", hostPath + ": "
                    + w.refusal());
        }
        hit = sensitive(w.path());
        if (hit != null) {
            return Bind.refused(Rule.hostPath.refusal(), hostPath + " (reaches " + hit + ")");
        }
        String socket = engineFolder(w.path(), !w.missing());
        if (socket != null) {
            return Bind.refused("bind-mounts an engine's socket or a folder holding one", hostPath
                    + (socket.equals(hostPath) ? "" : " (reaches " + socket + ")"));
        }
        if (r.readOnly() && !readOnly) {
            return Bind.refused("bind-mounts writable a path that may only be bound read-only", hostPath + " (under "
                    + r + "; set readOnly: true)");
        }
        return new Bind(w.path(), null, null);
    }

    /** The sensitive path {@code candidate} (normalised) is, lies under or holds; null when none. */
    private String sensitive(String candidate) {
        if (isEngineSocket(candidate)) {
            return candidate; // any engine's socket, wherever it lives
        }
        for (List<String> list : List.of(sensitive, learned.get())) {
            for (String s : list) {
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

    private static boolean isEngineSocket(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.endsWith(".sock") && (name.contains("docker") || name.contains("podman") || name.contains("containerd"));
    }

    /**
     * An engine's socket or socket folder that the resolved, existing path {@code dir} is, lies in or holds within
     * {@link #SCAN_DEPTH} levels and {@link #SCAN_ENTRIES} entries (Docker Desktop's {@code ~/.docker/run}, colima's
     * {@code ~/.colima/default}); null when none is found.
     */
    private String engineFolder(String dir, boolean exists) {
        for (String c : dir.split("/")) {
            if (ENGINE_FOLDERS.contains(c)) {
                return dir;
            }
        }
        if (!exists) {
            return null;
        }
        java.util.ArrayDeque<String[]> todo = new java.util.ArrayDeque<>();
        todo.add(new String[] {dir, "0"});
        int seen = 0;
        while (!todo.isEmpty() && seen < SCAN_ENTRIES) {
            String[] d = todo.poll();
            if (paths.kind(d[0]) != HostPaths.Kind.DIRECTORY) {
                continue;
            }
            for (String name : paths.children(d[0], SCAN_ENTRIES - seen)) {
                seen++;
                String child = d[0].equals("/") ? "/" + name : d[0] + "/" + name;
                HostPaths.Kind kind = paths.kind(child);
                if (ENGINE_FOLDERS.contains(name) || kind == HostPaths.Kind.SPECIAL && isEngineSocket(child)) {
                    return child;
                }
                int depth = Integer.parseInt(d[1]) + 1;
                if (kind == HostPaths.Kind.DIRECTORY && depth < SCAN_DEPTH) {
                    todo.add(new String[] {child, Integer.toString(depth)});
                }
            }
        }
        return null;
    }

    private static boolean strictlyUnder(String path, String dir) {
        return !path.equals(dir) && BindResolver.isUnder(path, dir);
    }

    /**
     * {@code m} as the engine must be given it right before a create: checked again now (a symlink may have been
     * planted since its file was read), every bind's host path replaced by its resolved form, and no bind inside a
     * folder another container can write ({@code writable}: host path to the container that binds it writable; the
     * old container of the same name counts, so a bind inside it is refused at a recreate as at the first create).
     *
     * @throws PolicyRefusal naming the field and the rule, when anything is refused
     */
    public ContainerManifest admit(ContainerManifest m, Map<String, String> writable) {
        if (level == Level.privileged || allow.getOrDefault(m.name(), Set.of()).contains(Rule.hostPath)) {
            return m; // checks nothing, or this manifest may bind any host path
        }
        List<Violation> refused = check(m);
        if (!refused.isEmpty()) {
            throw new PolicyRefusal(refused.get(0).message());
        }
        List<Bind> binds = binds(m.spec());
        List<ContainerSpec.VolumeMount> volumes = new ArrayList<>();
        for (int i = 0; i < binds.size(); i++) {
            ContainerSpec.VolumeMount v = m.spec().volumes().get(i);
            Bind b = binds.get(i);
            if (b == null) {
                volumes.add(v);
                continue;
            }
            for (Map.Entry<String, String> w : writable.entrySet()) {
                String other = BindResolver.normalize(w.getKey());
                if (strictlyUnder(b.resolved(), other)) {
                    throw new PolicyRefusal("spec.volumes[" + i + "].hostPath: refused by policy " + level + " (rule "
                            + Rule.hostPath + "): the container bind-mounts a path inside another container's writable"
                            + " bind: " + v.hostPath() + " (inside " + other + ", writable by " + w.getValue() + ")");
                }
            }
            volumes.add(new ContainerSpec.VolumeMount(v.name(), b.resolved(), v.mountPath(), v.readOnly()));
        }
        return new ContainerManifest(m.name(), m.labels(), m.spec().withVolumes(volumes), m.source());
    }

    /**
     * Why the running container {@code name} must stop: its bind {@code source} (as the engine holds it) now leads
     * through a symlink to a path this policy always refuses. Null when it does not (also when the source merely leads
     * out of the allowed roots: that is refused at its next create, never a reason to stop what runs).
     */
    public String plantedLink(String name, String source) {
        if (level == Level.privileged || allow.getOrDefault(name, Set.of()).contains(Rule.hostPath)) {
            return null;
        }
        String written = BindResolver.normalize(source);
        BindResolver.Walk w = resolver.under("/", "/", written);
        if (w.path().equals(written)) {
            return null; // no symlink in it: what it was created with
        }
        String hit = sensitive(w.path());
        return hit == null ? null : "its bind mount " + source + " now leads through a symlink to " + w.path()
                + " (refused by policy " + level + ": reaches " + hit + ")";
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
            refuseIf(condition, rule, field, rule.refusal(), detail);
        }

        void refuseIf(boolean condition, Rule rule, String field, String refusal, String detail) {
            if (!condition || !rule.checkedAt(level) || allowed.contains(rule)) {
                return;
            }
            out.add(new Violation(field, rule, (field.equals("spec") ? "" : field + ": ") + "refused by policy " + level
                    + " (rule " + rule + "): the container " + refusal + (detail == null ? "" : ": " + detail)
                    + "; only hostlet's configuration can allow it: hostlet.policy.allow.\"" + name + "\"=" + rule));
        }
    }
}
