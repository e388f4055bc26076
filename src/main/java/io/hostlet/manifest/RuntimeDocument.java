package io.hostlet.manifest;

import io.hostlet.manifest.NodeReader.Fields;
import io.hostlet.manifest.RuntimeSpec.Device;
import io.hostlet.manifest.RuntimeSpec.Logging;
import io.hostlet.manifest.RuntimeSpec.Profile;
import io.hostlet.manifest.RuntimeSpec.SecurityContext;
import io.hostlet.manifest.RuntimeSpec.Tmpfs;
import io.hostlet.manifest.RuntimeSpec.Ulimit;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the host-facing fields of a Container spec ({@link RuntimeSpec}) and checks how they combine with the
 * others (a host network has no ports to publish nor networks to join). Kept beside {@link ContainerDocument} so each
 * stays readable; it reports through the same {@link NodeReader}, so errors carry {@code file:line:col} alike.
 */
final class RuntimeDocument {

    /** The spec fields read here, in the order the reference lists them. */
    static final List<String> FIELDS = List.of("hostNetwork", "hostPID", "hostIPC", "securityContext", "devices",
            "extraHosts", "hostname", "dns", "tmpfs", "shmSize", "sysctls", "init", "stopSignal", "ulimits", "logging");

    private static final List<String> SECURITY = List.of("privileged", "capabilities", "readOnlyRootFilesystem",
            "noNewPrivileges", "runAsUser", "runAsGroup", "seccompProfile", "appArmorProfile");
    private static final List<String> CAPABILITIES = List.of("add", "drop");
    private static final List<String> PROFILE = List.of("type");
    private static final List<String> DEVICE = List.of("hostPath", "containerPath", "permissions");
    private static final List<String> TMPFS = List.of("mountPath", "size");
    private static final List<String> ULIMIT = List.of("soft", "hard");
    private static final List<String> LOGGING = List.of("driver", "options");

    /** Every Linux capability (capabilities(7)), so a typo is an error here and not a refusal at create time. */
    static final Set<String> CAPABILITY_NAMES = Set.of("AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND",
            "BPF", "CHECKPOINT_RESTORE", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK",
            "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN",
            "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
            "SYSLOG", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE",
            "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "WAKE_ALARM", "ALL");
    /** The resource names {@code setrlimit(2)} knows, as Docker spells them. */
    private static final Set<String> ULIMIT_NAMES = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock",
            "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");
    private static final Pattern HOSTNAME = Pattern.compile(
            "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
    private static final Pattern SYSCTL = Pattern.compile("[a-z0-9_]+([./][a-z0-9_-]+)+");
    private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9+-]{2,10}|[1-9][0-9]?");
    private static final Pattern PERMISSIONS = Pattern.compile("r?w?m?");
    /** The log drivers the Docker client library can name; a plugin is used under one of these aliases. */
    static final List<String> DRIVERS = List.of("json-file", "local", "journald", "syslog", "gelf", "fluentd",
            "awslogs", "splunk", "gcplogs", "loki", "etwlogs", "none");
    private static final Pattern OPTION_KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final long MAX_ID = 0x7fffffffL;

    private final NodeReader r;
    /** The address Docker (20.10 and later) resolves to the host's gateway on the bridge, in place of an IP. */
    static final String HOST_GATEWAY = "host-gateway";

    private final Function<String, String> ipLiteral;

    private RuntimeDocument(NodeReader r, Function<String, String> ipLiteral) {
        this.r = r;
        this.ipLiteral = ipLiteral;
    }

    /**
     * The host-facing fields of {@code spec}; {@code ipCheck} returns null for text that is no IP literal. Problems
     * are reported and the field is left at its default, so the caller goes on finding more.
     */
    static RuntimeSpec read(NodeReader r, Fields spec, Function<String, String> ipCheck) {
        return new RuntimeDocument(r, ipCheck).read(spec);
    }

    private RuntimeSpec read(Fields spec) {
        boolean hostNetwork = flag(spec, "hostNetwork");
        SecurityContext security = securityContext(spec.get("securityContext"));
        List<Tmpfs> tmpfs = tmpfs(spec.get("tmpfs"));
        Map<String, String> sysctls = sysctls(spec.get("sysctls"));
        String hostname = hostname(spec.get("hostname"));
        if (hostNetwork) {
            // Docker refuses these with the host's network (or silently ignores ports): say so where they are written.
            for (String clash : List.of("ports", "networks", "hostname", "dns", "extraHosts")) {
                Node n = spec.get(clash);
                if (n != null) {
                    r.error(n, "spec." + clash, "cannot be set with hostNetwork: true (the container uses the host's"
                            + " network, names and resolver)");
                }
            }
            sysctls.keySet().stream().filter(k -> k.startsWith("net.")).findFirst().ifPresent(k -> r.error(
                    spec.get("sysctls"), "spec.sysctls", "net.* sysctls cannot be set with hostNetwork: true (they would"
                            + " change the host's), got " + NodeReader.quote(k)));
        }
        if (flag(spec, "hostIPC")) {
            sysctls.keySet().stream().filter(k -> k.startsWith("kernel.msg") || k.startsWith("kernel.sem")
                    || k.startsWith("kernel.shm") || k.startsWith("fs.mqueue.")).findFirst().ifPresent(k -> r.error(
                    spec.get("sysctls"), "spec.sysctls", "IPC sysctls cannot be set with hostIPC: true, got "
                            + NodeReader.quote(k)));
        }
        if (security.runAsUser() != null && spec.get("user") != null) {
            r.error(spec.get("user"), "spec.user", "set either user or securityContext.runAsUser, not both");
        }
        Map<String, String> volumePaths = new HashMap<>();
        if (spec.get("volumes") instanceof SequenceNode volumes) {
            for (int i = 0; i < volumes.getValue().size(); i++) {
                if (volumes.getValue().get(i) instanceof MappingNode vm) {
                    for (NodeTuple t : vm.getValue()) {
                        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("mountPath")
                                && t.getValueNode() instanceof ScalarNode v) {
                            volumePaths.putIfAbsent(v.getValue(), "spec.volumes[" + i + "]");
                        }
                    }
                }
            }
        }
        for (Tmpfs t : tmpfs) {
            String clash = volumePaths.get(t.mountPath());
            if (clash != null) {
                r.error(spec.get("tmpfs"), "spec.tmpfs", "mountPath " + NodeReader.quote(t.mountPath())
                        + " is also mounted by " + clash);
            }
        }
        return new RuntimeSpec(
                hostNetwork,
                flag(spec, "hostPID"),
                flag(spec, "hostIPC"),
                security,
                devices(spec.get("devices")),
                extraHosts(spec.get("extraHosts")),
                hostname,
                dns(spec.get("dns")),
                tmpfs,
                bytes(spec.get("shmSize"), "spec.shmSize", 1),
                sysctls,
                flag(spec, "init"),
                stopSignal(spec.get("stopSignal")),
                ulimits(spec.get("ulimits")),
                logging(spec.get("logging")));
    }

    private boolean flag(Fields f, String key) {
        return Boolean.TRUE.equals(r.bool(f.get(key), f.path(key)));
    }

    private SecurityContext securityContext(Node node) {
        Fields s = r.mapping(node, "spec.securityContext", SECURITY);
        if (s == null) {
            return SecurityContext.NONE;
        }
        List<String> add = List.of();
        List<String> drop = List.of();
        Fields caps = r.mapping(s.get("capabilities"), "spec.securityContext.capabilities", CAPABILITIES);
        if (caps != null) {
            add = capabilities(caps.get("add"), "spec.securityContext.capabilities.add");
            drop = capabilities(caps.get("drop"), "spec.securityContext.capabilities.drop");
        }
        Long user = id(s.get("runAsUser"), "spec.securityContext.runAsUser");
        Long group = id(s.get("runAsGroup"), "spec.securityContext.runAsGroup");
        if (group != null && s.get("runAsUser") == null) {
            // Docker's User is "uid[:gid]": a group alone cannot be expressed without guessing the image's user.
            r.error(s.get("runAsGroup"), "spec.securityContext.runAsGroup", "needs runAsUser too (Docker sets a group"
                    + " only with a user)");
        }
        return new SecurityContext(flag(s, "privileged"), add, drop, flag(s, "readOnlyRootFilesystem"),
                flag(s, "noNewPrivileges"), user, group,
                profile(s.get("seccompProfile"), "spec.securityContext.seccompProfile"),
                profile(s.get("appArmorProfile"), "spec.securityContext.appArmorProfile"));
    }

    private Profile profile(Node node, String path) {
        Fields p = r.mapping(node, path, PROFILE);
        if (p == null) {
            return Profile.RuntimeDefault;
        }
        Profile type = r.oneOf(p.required("type"), path + ".type", Profile.class);
        return type == null ? Profile.RuntimeDefault : type;
    }

    private List<String> capabilities(Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = r.list(node, path);
        for (int i = 0; items != null && i < items.size(); i++) {
            String item = path + "[" + i + "]";
            String text = r.text(items.get(i), item);
            if (text == null) {
                continue;
            }
            String name = text.startsWith("CAP_") ? text.substring(4) : text;
            if (!CAPABILITY_NAMES.contains(name)) {
                r.error(items.get(i), item, "unknown capability " + NodeReader.quote(text)
                        + " (upper case, like NET_ADMIN or ALL)");
            } else if (out.contains(name)) {
                r.error(items.get(i), item, "duplicate capability " + NodeReader.quote(name));
            } else {
                out.add(name);
            }
        }
        return out;
    }

    private Long id(Node node, String path) {
        Integer v = r.integer(node, path, 0, (int) MAX_ID);
        return v == null ? null : v.longValue();
    }

    private List<Device> devices(Node node) {
        List<Device> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.devices");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.devices[" + i + "]";
            Fields d = r.mapping(items.get(i), path, DEVICE);
            if (d == null) {
                continue;
            }
            String host = absolute(d.required("hostPath"), path + ".hostPath");
            Node containerNode = d.get("containerPath");
            String container = containerNode == null ? host : absolute(containerNode, path + ".containerPath");
            String permissions = d.get("permissions") == null ? Device.DEFAULT_PERMISSIONS
                    : r.text(d.get("permissions"), path + ".permissions");
            if (permissions != null && (permissions.isEmpty() || !PERMISSIONS.matcher(permissions).matches())) {
                r.error(d.get("permissions"), path + ".permissions", "expected letters of \"rwm\" in that order"
                        + " (read, write, mknod), got " + NodeReader.quote(permissions));
                continue;
            }
            if (host == null || container == null || permissions == null) {
                continue;
            }
            String first = firstAt.putIfAbsent(container, path);
            if (first != null) {
                r.error(d.node(), path, "duplicate containerPath " + NodeReader.quote(container) + " (first at " + first + ")");
            }
            out.add(new Device(host, container, permissions));
        }
        return out;
    }

    private List<String> extraHosts(Node node) {
        List<String> out = new ArrayList<>();
        List<Node> items = r.list(node, "spec.extraHosts");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.extraHosts[" + i + "]";
            String text = r.text(items.get(i), path);
            if (text == null) {
                continue;
            }
            int colon = text.indexOf(':');
            String host = colon < 0 ? text : text.substring(0, colon);
            String ip = colon < 0 ? null : text.substring(colon + 1);
            if (!HOSTNAME.matcher(host).matches() || host.length() > 253 || ip == null
                    || (!ip.equals(HOST_GATEWAY) && ipLiteral.apply(ip) == null)) {
                r.error(items.get(i), path, "expected \"hostname:ip\" like \"printer.lan:192.168.1.20\" (or"
                        + " \"hostname:host-gateway\"), got "
                        + NodeReader.quote(text));
                continue;
            }
            out.add(host + ":" + ip);
        }
        return out;
    }

    private String hostname(Node node) {
        String text = r.text(node, "spec.hostname");
        if (text != null && (!HOSTNAME.matcher(text).matches() || text.length() > 253)) {
            r.error(node, "spec.hostname", "expected a host name (letters, digits, '-' and '.'), got " + NodeReader.quote(text));
            return null;
        }
        return text;
    }

    private List<String> dns(Node node) {
        List<String> out = new ArrayList<>();
        List<Node> items = r.list(node, "spec.dns");
        for (int i = 0; items != null && i < items.size(); i++) {
            String text = r.text(items.get(i), "spec.dns[" + i + "]");
            if (text != null && ipLiteral.apply(text) == null) {
                r.error(items.get(i), "spec.dns[" + i + "]", "expected an IPv4 or IPv6 address, got " + NodeReader.quote(text));
            } else if (text != null) {
                out.add(text);
            }
        }
        return out;
    }

    private List<Tmpfs> tmpfs(Node node) {
        List<Tmpfs> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.tmpfs");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.tmpfs[" + i + "]";
            Fields t = r.mapping(items.get(i), path, TMPFS);
            if (t == null) {
                continue;
            }
            Node mountNode = t.required("mountPath");
            String mount = absolute(mountNode, path + ".mountPath");
            Long size = bytes(t.get("size"), path + ".size", 4096);
            if (mount == null) {
                continue;
            }
            String first = firstAt.putIfAbsent(mount, path);
            if (first != null) {
                r.error(mountNode, path + ".mountPath", "duplicate mountPath " + NodeReader.quote(mount) + " (first at " + first + ")");
            }
            out.add(new Tmpfs(mount, size));
        }
        return out;
    }

    private Long bytes(Node node, String path, long min) {
        String text = r.text(node, path);
        if (text == null) {
            return null;
        }
        Long v = Quantities.bytes(text);
        if (v == null || v < min) {
            r.error(node, path, "expected bytes like 64Mi or 1G" + (min > 1 ? " (at least " + min + ")" : "")
                    + ", got " + NodeReader.quote(text));
            return null;
        }
        return v;
    }

    private Map<String, String> sysctls(Node node) {
        Map<String, String> out = new LinkedHashMap<>();
        Fields f = r.mapping(node, "spec.sysctls", null);
        if (f == null) {
            return out;
        }
        for (Map.Entry<String, NodeTuple> e : f.entries().entrySet()) {
            String key = e.getKey();
            String value = r.text(f.get(key), f.path(key));
            if (!SYSCTL.matcher(key).matches()) {
                r.error(e.getValue().getKeyNode(), "spec.sysctls", "expected a sysctl name like net.ipv4.ip_forward, got "
                        + NodeReader.quote(key));
            } else if (value != null) {
                out.put(key.replace('/', '.'), value);
            }
        }
        return out;
    }

    private String stopSignal(Node node) {
        String text = r.text(node, "spec.stopSignal");
        if (text != null && !SIGNAL.matcher(text).matches()) {
            r.error(node, "spec.stopSignal", "expected a signal like SIGTERM, SIGINT or 15, got " + NodeReader.quote(text));
            return null;
        }
        return text;
    }

    private Map<String, Ulimit> ulimits(Node node) {
        Map<String, Ulimit> out = new LinkedHashMap<>();
        Fields f = r.mapping(node, "spec.ulimits", null);
        if (f == null) {
            return out;
        }
        for (Map.Entry<String, NodeTuple> e : f.entries().entrySet()) {
            String name = e.getKey();
            String path = f.path(name);
            if (!ULIMIT_NAMES.contains(name)) {
                r.error(e.getValue().getKeyNode(), "spec.ulimits", "unknown ulimit " + NodeReader.quote(name)
                        + " (known: " + String.join(", ", new java.util.TreeSet<>(ULIMIT_NAMES)) + ")");
                continue;
            }
            Node value = f.get(name);
            if (value instanceof ScalarNode) {
                // compose's short form: one number for both
                Long v = limit(value, path);
                if (v != null) {
                    out.put(name, new Ulimit(v, v));
                }
                continue;
            }
            Fields sh = r.mapping(value, path, ULIMIT);
            if (sh == null) {
                if (value == null) {
                    r.error(e.getValue().getKeyNode(), path, "expected a number or {soft, hard}");
                }
                continue;
            }
            Long soft = limit(sh.required("soft"), path + ".soft");
            Long hard = limit(sh.required("hard"), path + ".hard");
            if (soft != null && hard != null && soft > hard) {
                r.error(sh.node(), path, "soft (" + soft + ") must not exceed hard (" + hard + ")");
            } else if (soft != null && hard != null) {
                out.put(name, new Ulimit(soft, hard));
            }
        }
        return out;
    }

    private Long limit(Node node, String path) {
        String text = r.text(node, path);
        if (text == null) {
            return null;
        }
        if (text.equals("-1") || text.equals("unlimited")) {
            return -1L;
        }
        if (!text.matches("[0-9]{1,18}")) {
            r.error(node, path, "expected a non-negative integer or -1 (unlimited), got " + NodeReader.quote(text));
            return null;
        }
        return Long.parseLong(text);
    }

    private Logging logging(Node node) {
        Fields l = r.mapping(node, "spec.logging", LOGGING);
        if (l == null) {
            return null;
        }
        Node driverNode = l.get("driver");
        String driver = driverNode == null ? Logging.JSON_FILE : r.text(driverNode, "spec.logging.driver");
        if (driver != null && !DRIVERS.contains(driver)) {
            r.error(driverNode, "spec.logging.driver", "expected one of " + String.join(", ", DRIVERS) + ", got "
                    + NodeReader.quote(driver));
            driver = null;
        }
        Map<String, String> options = new LinkedHashMap<>();
        Fields o = r.mapping(l.get("options"), "spec.logging.options", null);
        if (o != null) {
            for (Map.Entry<String, NodeTuple> e : o.entries().entrySet()) {
                String key = e.getKey();
                if (!OPTION_KEY.matcher(key).matches()) {
                    r.error(e.getValue().getKeyNode(), "spec.logging.options", "expected an option name like max-size,"
                            + " got " + NodeReader.quote(key));
                    continue;
                }
                Node v = o.get(key);
                // Values are not quoted in messages: a driver's options may hold a token (splunk-token, loki-url).
                if (!(v instanceof ScalarNode)) {
                    r.error(v == null ? e.getValue().getKeyNode() : v, o.path(key), "expected a string");
                } else {
                    options.put(key, ((ScalarNode) v).getValue());
                }
            }
        }
        return driver == null ? null : new Logging(driver, options);
    }

    private String absolute(Node node, String path) {
        String text = r.text(node, path);
        if (text != null && !text.startsWith("/")) {
            r.error(node, path, "expected an absolute path, got " + NodeReader.quote(text));
            return null;
        }
        return text;
    }
}
