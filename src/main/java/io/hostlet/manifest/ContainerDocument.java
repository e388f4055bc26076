package io.hostlet.manifest;

import io.hostlet.manifest.ContainerSpec.EnvVar;
import io.hostlet.manifest.ContainerSpec.PortMapping;
import io.hostlet.manifest.ContainerSpec.Protocol;
import io.hostlet.manifest.ContainerSpec.Resources;
import io.hostlet.manifest.ContainerSpec.VolumeMount;
import io.hostlet.manifest.NodeReader.Fields;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Validates one composed YAML document as a {@code kind: Container} manifest. */
final class ContainerDocument {

    static final String API_VERSION = "hostlet.io/v1";
    static final List<String> KINDS = List.of("Container", "Image");

    private static final List<String> TOP = List.of("apiVersion", "kind", "metadata", "spec");
    private static final List<String> METADATA = List.of("name", "labels");
    private static final List<String> SPEC = List.of("image", "imagePullPolicy", "command", "args", "workingDir",
            "user", "env", "ports", "volumes", "networks", "restartPolicy", "resources", "stopGracePeriod",
            "healthcheck", "restartOnUnhealthy", "dependsOn", "suspend", "hostNetwork", "hostPID", "hostIPC",
            "securityContext", "devices", "extraHosts", "hostname", "dns", "tmpfs", "shmSize", "sysctls", "init",
            "stopSignal", "ulimits", "logging", "envFrom", "files", "secrets", "update");
    private static final List<String> ENV = List.of("name", "value", "valueFrom");
    private static final List<String> VALUE_FROM = List.of("file");
    private static final List<String> ENV_FROM = List.of("file");
    private static final List<String> FILE = List.of("source", "mountPath", "mode");
    private static final List<String> SECRET = List.of("source", "mountPath");
    private static final Pattern MODE = Pattern.compile("(0o?)?([0-7]{3})");
    private static final List<String> UPDATE = List.of("strategy", "progressDeadline", "minReady", "rollback");
    private static final Duration MAX_UPDATE_DURATION = Duration.ofHours(1);
    private static final List<String> PORT = List.of("containerPort", "hostPort", "protocol", "hostIP");
    private static final List<String> VOLUME = List.of("name", "hostPath", "mountPath", "readOnly");
    private static final List<String> RESOURCES = List.of("memory", "cpus");
    private static final List<String> HEALTH = List.of("exec", "http", "interval", "timeout", "retries", "startPeriod");
    private static final List<String> HTTP = List.of("port", "path");
    private static final List<String> DEPENDENCY = List.of("name", "condition");

    /** Docker's container name rules are looser; this is the DNS label rule, which is also a valid Docker name. */
    static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final String RESERVED_LABEL_PREFIX = "io.hostlet.";
    private static final long MIN_MEMORY = 6L << 20;
    private static final Duration MAX_STOP_GRACE = Duration.ofMinutes(10);
    private static final Duration MAX_HEALTH_DURATION = Duration.ofHours(1);
    /** Docker refuses health-check intervals and timeouts under 1 ms; anything that short is a mistake anyway. */
    private static final Duration MIN_HEALTH_DURATION = Duration.ofMillis(1);

    private final Problems problems;
    private final NodeReader r;

    private ContainerDocument(Problems problems) {
        this.problems = problems;
        this.r = new NodeReader(problems);
    }

    /** The manifest in {@code root}, or null when it had errors (all of them are added to {@code problems}). */
    static ContainerManifest read(Node root, Problems problems) {
        return new ContainerDocument(problems).read(root);
    }

    private ContainerManifest read(Node root) {
        int before = problems.count();
        Fields top = r.mapping(root, "", TOP);
        if (top == null) {
            return null;
        }
        CommonFields.apiVersion(r, top);
        Node kindNode = top.required("kind");
        String kind = r.text(kindNode, "kind");
        if (kind != null && !KINDS.contains(kind)) {
            // The rest of the document follows another kind's schema: checking it as a Container would only add noise.
            r.error(kindNode, "kind", "unknown kind " + NodeReader.quote(kind) + " (supported: " + String.join(", ", KINDS) + ")");
            return null;
        }
        Fields metadata = r.mapping(top.required("metadata"), "metadata", METADATA);
        String name = metadata == null ? null : CommonFields.name(r, metadata);
        if (name != null && name.length() == 1) {
            // Docker's container name rule, [a-zA-Z0-9][a-zA-Z0-9_.-]+, wants two characters: say so here, not at create.
            r.error(metadata.get("name"), "metadata.name", "must be at least 2 characters (Docker refuses a"
                    + " one-letter container name), got " + NodeReader.quote(name));
        }
        Map<String, String> labels = metadata == null ? Map.of() : labels(metadata.get("labels"));
        ContainerSpec spec = spec(r.mapping(top.required("spec"), "spec", SPEC));
        if (problems.count() > before) {
            return null;
        }
        return new ContainerManifest(name, labels, spec, new SourceRef(problems.file(), root.getStartMark().getLine() + 1));
    }

    private Map<String, String> labels(Node node) {
        Fields labels = r.mapping(node, "metadata.labels", null);
        Map<String, String> out = new LinkedHashMap<>();
        if (labels == null) {
            return out;
        }
        for (Map.Entry<String, NodeTuple> e : labels.entries().entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.startsWith(RESERVED_LABEL_PREFIX)) {
                r.error(e.getValue().getKeyNode(), "metadata.labels", key.isEmpty() ? "label keys must not be empty"
                        : "label " + NodeReader.quote(key) + " is reserved (keys starting with \"" + RESERVED_LABEL_PREFIX
                        + "\" belong to hostlet)");
                continue;
            }
            Node value = labels.get(key);
            String text = value == null ? "" : r.text(value, labels.path(key));
            if (text != null) {
                out.put(key, text);
            }
        }
        return out;
    }

    private ContainerSpec spec(Fields spec) {
        if (spec == null) {
            return null;
        }
        String image = CommonFields.image(r, spec);
        PullPolicy pull = CommonFields.pullPolicy(r, spec, image);
        RestartPolicy restart = r.oneOf(spec.get("restartPolicy"), "spec.restartPolicy", RestartPolicy.class);
        HealthCheck health = healthcheck(spec.get("healthcheck"));
        // Without spec.healthcheck this still acts on a HEALTHCHECK the image defines.
        Boolean restartOnUnhealthy = r.bool(spec.get("restartOnUnhealthy"), "spec.restartOnUnhealthy");
        RuntimeSpec runtime = RuntimeDocument.read(r, spec, ContainerDocument::ipText);
        Boolean suspend = r.bool(spec.get("suspend"), "spec.suspend");
        List<FileSources.EnvValueFrom> envFromFiles = new ArrayList<>();
        List<EnvVar> env = env(spec.get("env"), envFromFiles);
        List<PortMapping> ports = ports(spec.get("ports"));
        UpdatePolicy update = update(spec.get("update"), ports);
        List<VolumeMount> volumes = volumes(spec.get("volumes"));
        FileSources sources = new FileSources(envFromFiles, envFrom(spec.get("envFrom")),
                mountedFiles(spec.get("files"), "spec.files", FILE), mountedFiles(spec.get("secrets"), "spec.secrets", SECRET));
        checkMountedFiles(spec, sources, volumes, runtime);
        return ContainerSpec.builder(image)
                .imagePullPolicy(pull)
                .command(r.stringList(spec.get("command"), "spec.command"))
                .args(r.stringList(spec.get("args"), "spec.args"))
                .workingDir(absolutePath(spec.get("workingDir"), "spec.workingDir"))
                .user(r.text(spec.get("user"), "spec.user"))
                .env(env)
                .ports(ports)
                .volumes(volumes)
                .networks(networks(spec.get("networks")))
                .restartPolicy(restart == null ? RestartPolicy.Always : restart)
                .resources(resources(spec.get("resources")))
                .stopGracePeriod(stopGracePeriod(spec.get("stopGracePeriod")))
                .healthcheck(health)
                .restartOnUnhealthy(Boolean.TRUE.equals(restartOnUnhealthy))
                .dependsOn(dependsOn(spec.get("dependsOn")))
                .runtime(runtime)
                .suspend(Boolean.TRUE.equals(suspend))
                .sources(sources)
                .update(update)
                .build();
    }

    /** {@code spec.update}, defaults filled in; StartFirst with a fixed host port is an error (both would claim it). */
    private UpdatePolicy update(Node node, List<PortMapping> ports) {
        Fields u = r.mapping(node, "spec.update", UPDATE);
        if (u == null) {
            return UpdatePolicy.DEFAULT;
        }
        UpdatePolicy d = UpdatePolicy.DEFAULT;
        UpdatePolicy.Strategy strategy = u.get("strategy") == null ? d.strategy()
                : r.oneOf(u.get("strategy"), "spec.update.strategy", UpdatePolicy.Strategy.class);
        Duration deadline = updateDuration(u.get("progressDeadline"), "spec.update.progressDeadline", d.progressDeadline(),
                Duration.ofSeconds(1));
        Duration minReady = updateDuration(u.get("minReady"), "spec.update.minReady", d.minReady(), Duration.ZERO);
        Boolean rollback = r.bool(u.get("rollback"), "spec.update.rollback");
        if (strategy == UpdatePolicy.Strategy.StartFirst && ports.stream().anyMatch(p -> p.hostPort() != null)) {
            r.error(u.get("strategy"), "spec.update.strategy", "StartFirst runs the new container beside the old one,"
                    + " and a fixed hostPort can be bound by only one of them: use StopFirst, or leave hostPort out"
                    + " (a random host port) and reach the container by its name on a network");
        }
        if (deadline != null && minReady != null && minReady.compareTo(deadline) >= 0) {
            r.error(u.get("minReady") != null ? u.get("minReady") : u.get("progressDeadline"), "spec.update.minReady", "must be shorter than progressDeadline ("
                    + deadline.toSeconds() + "s), or no update could ever pass");
        }
        return new UpdatePolicy(strategy == null ? d.strategy() : strategy,
                deadline == null ? d.progressDeadline() : deadline, minReady == null ? d.minReady() : minReady,
                rollback == null ? d.rollback() : rollback);
    }

    private Duration updateDuration(Node node, String path, Duration absent, Duration min) {
        String text = r.text(node, path);
        if (text == null) {
            return absent;
        }
        Duration v = Quantities.duration(text);
        if (v == null || v.compareTo(min) < 0 || v.compareTo(MAX_UPDATE_DURATION) > 0) {
            r.error(node, path, "expected a duration from " + min.toSeconds() + "s to 1h like 60s or 1m30s, got "
                    + NodeReader.quote(text));
            return null;
        }
        return v;
    }

    private HealthCheck healthcheck(Node node) {
        Fields h = r.mapping(node, "spec.healthcheck", HEALTH);
        if (h == null) {
            return null;
        }
        int before = problems.count();
        List<String> exec = null;
        if (h.get("exec") != null) {
            exec = r.stringList(h.get("exec"), "spec.healthcheck.exec");
            if (exec.isEmpty() && problems.count() == before) {
                r.error(h.get("exec"), "spec.healthcheck.exec", "must name a command");
            }
        }
        HealthCheck.HttpGet http = null;
        Fields get = r.mapping(h.get("http"), "spec.healthcheck.http", HTTP);
        if (get != null) {
            Integer port = r.integer(get.required("port"), "spec.healthcheck.http.port", 1, 65535);
            Node pathNode = get.get("path");
            String path = pathNode == null ? "/" : r.text(pathNode, "spec.healthcheck.http.path");
            if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
                r.error(pathNode, "spec.healthcheck.http.path", "expected a URL path starting with '/' without spaces, got "
                        + NodeReader.quote(path));
            }
            if (port != null && path != null) {
                http = new HealthCheck.HttpGet(port, path);
            }
        }
        if ((h.get("exec") == null) == (h.get("http") == null)) {
            r.error(h.node(), "spec.healthcheck", "set exactly one of \"exec\" (a command) or \"http\" (a GET)");
        }
        Duration interval = healthDuration(h.get("interval"), "spec.healthcheck.interval", HealthCheck.DEFAULT_INTERVAL, false);
        Duration timeout = healthDuration(h.get("timeout"), "spec.healthcheck.timeout", HealthCheck.DEFAULT_TIMEOUT, false);
        Duration startPeriod = healthDuration(h.get("startPeriod"), "spec.healthcheck.startPeriod",
                HealthCheck.DEFAULT_START_PERIOD, true);
        Integer retries = h.get("retries") == null ? Integer.valueOf(HealthCheck.DEFAULT_RETRIES)
                : r.integer(h.get("retries"), "spec.healthcheck.retries", 1, 100);
        if (problems.count() > before || retries == null) {
            return null;
        }
        return new HealthCheck(exec, http, interval, timeout, retries, startPeriod);
    }

    private Duration healthDuration(Node node, String path, Duration absent, boolean zeroAllowed) {
        String text = r.text(node, path);
        if (text == null) {
            return absent;
        }
        Duration d = Quantities.duration(text);
        Duration min = zeroAllowed ? Duration.ZERO : MIN_HEALTH_DURATION;
        if (d == null || d.compareTo(min) < 0 || d.compareTo(MAX_HEALTH_DURATION) > 0) {
            r.error(node, path, "expected a duration from " + (zeroAllowed ? "0s" : "1ms") + " to 1h like 10s, 500ms or 1m30s, got "
                    + NodeReader.quote(text));
            return absent;
        }
        return d;
    }

    private List<Dependency> dependsOn(Node node) {
        List<Dependency> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.dependsOn");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.dependsOn[" + i + "]";
            Fields item = r.mapping(items.get(i), path, DEPENDENCY);
            if (item == null) {
                continue;
            }
            Node nameNode = item.required("name");
            String name = r.text(nameNode, path + ".name");
            Dependency.Condition condition = item.get("condition") == null ? Dependency.Condition.started
                    : r.oneOf(item.get("condition"), path + ".condition", Dependency.Condition.class);
            if (name == null || condition == null) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                r.error(nameNode, path + ".name", "must be a container name (1-63 lowercase letters, digits or '-'), got "
                        + NodeReader.quote(name));
            } else if (firstAt.putIfAbsent(name, path) != null) {
                r.error(nameNode, path + ".name", "duplicate dependency " + NodeReader.quote(name) + " (first at "
                        + firstAt.get(name) + ")");
            } else {
                out.add(new Dependency(name, condition, nameNode.getStartMark().getLine() + 1,
                        nameNode.getStartMark().getColumn() + 1));
            }
        }
        return out;
    }

    private List<EnvVar> env(Node node, List<FileSources.EnvValueFrom> fromFiles) {
        List<EnvVar> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.env");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.env[" + i + "]";
            Fields item = r.mapping(items.get(i), path, ENV);
            if (item == null) {
                continue;
            }
            Node nameNode = item.required("name");
            String name = r.text(nameNode, path + ".name");
            Node valueNode = item.get("value");
            String value = valueNode == null ? "" : r.text(valueNode, path + ".value");
            String file = null;
            if (item.get("valueFrom") != null) {
                Fields from = r.mapping(item.get("valueFrom"), path + ".valueFrom", VALUE_FROM);
                file = from == null ? null : secretName(from.required("file"), path + ".valueFrom.file");
                value = null;
                if (valueNode != null) {
                    r.error(item.node(), path, "set at most one of \"value\" or \"valueFrom\"");
                }
            }
            if (name == null) {
                continue;
            }
            if (name.isEmpty() || name.contains("=")) {
                // Not quoted: "TOKEN=abc" in a name is a value put in the wrong place.
                r.error(nameNode, path + ".name", name.isEmpty() ? "must be non-empty"
                        : "must not contain '=' (put the value in value:; the name is not shown, it may hold one)");
            } else if (firstAt.containsKey(name)) {
                r.error(nameNode, path + ".name", "duplicate name " + NodeReader.quote(name) + " (first at " + firstAt.get(name) + ")");
            } else {
                firstAt.put(name, path);
                if (file != null) {
                    fromFiles.add(new FileSources.EnvValueFrom(name, file, i, null));
                } else if (value != null) {
                    out.add(new EnvVar(name, value));
                }
            }
        }
        return out;
    }

    private List<FileSources.EnvFile> envFrom(Node node) {
        List<FileSources.EnvFile> out = new ArrayList<>();
        List<Node> items = r.list(node, "spec.envFrom");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.envFrom[" + i + "]";
            Fields item = r.mapping(items.get(i), path, ENV_FROM);
            String file = item == null ? null : secretName(item.required("file"), path + ".file");
            if (file != null) {
                out.add(new FileSources.EnvFile(file, null));
            }
        }
        return out;
    }

    /**
     * A file's name under {@code hostlet.secrets.dir}: relative, without {@code ..}; where it really leads (symlinks)
     * is checked when it is read.
     */
    private String secretName(Node node, String path) {
        String text = r.text(node, path);
        if (text == null) {
            return null;
        }
        if (text.isEmpty() || text.startsWith("/") || List.of(text.split("/")).contains("..") || text.indexOf('\0') >= 0) {
            r.error(node, path, "expected a file name relative to hostlet.secrets.dir, without \"..\", got "
                    + NodeReader.quote(text));
            return null;
        }
        return text;
    }

    /** {@code files} (source beside the manifest, a mode) or {@code secrets} (source in the secrets folder, 0400). */
    private List<FileSources.MountedFile> mountedFiles(Node node, String listPath, List<String> known) {
        boolean secrets = known == SECRET;
        List<FileSources.MountedFile> out = new ArrayList<>();
        List<Node> items = r.list(node, listPath);
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = listPath + "[" + i + "]";
            Fields item = r.mapping(items.get(i), path, known);
            if (item == null) {
                continue;
            }
            String source;
            if (secrets) {
                source = secretName(item.required("source"), path + ".source");
            } else {
                source = r.text(item.required("source"), path + ".source");
                if (source != null && (source.isEmpty() || source.startsWith("/") || source.indexOf('\0') >= 0)) {
                    r.error(item.get("source"), path + ".source", "expected a path relative to the manifest's folder,"
                            + " got " + NodeReader.quote(source));
                    source = null;
                }
            }
            String mountPath = absolutePath(item.required("mountPath"), path + ".mountPath");
            if (mountPath != null && (mountPath.equals("/") || mountPath.endsWith("/"))) {
                r.error(item.get("mountPath"), path + ".mountPath", "expected the path of a file, got "
                        + NodeReader.quote(mountPath));
                mountPath = null;
            } else if (mountPath != null && (mountPath.length() > 250
                    || List.of(mountPath.split("/")).stream().anyMatch(c -> c.length() > 100 || c.equals("..")))) {
                // a tar header's limits (the copy into the container is an archive), and no climbing out
                r.error(item.get("mountPath"), path + ".mountPath", "expected at most 250 characters, at most 100 per"
                        + " name and no \"..\", got " + NodeReader.quote(mountPath));
                mountPath = null;
            }
            int mode = secrets ? FileSources.SECRET_MODE : FileSources.DEFAULT_FILE_MODE;
            if (item.get("mode") != null) {
                String text = r.text(item.get("mode"), path + ".mode");
                java.util.regex.Matcher m = text == null ? null : MODE.matcher(text);
                if (m != null && m.matches()) {
                    mode = Integer.parseInt(m.group(2), 8);
                } else if (text != null) {
                    r.error(item.get("mode"), path + ".mode", "expected an octal mode like 0444 or 0640, got "
                            + NodeReader.quote(text));
                }
            }
            if (source != null && mountPath != null) {
                out.add(new FileSources.MountedFile(source, Path.of(mountPath).normalize().toString(), mode, null));
            }
        }
        return out;
    }

    /**
     * Files are copied into the container before its first start, so they cannot share a path with each other, nor lie
     * in a volume or tmpfs (the copy would land in the volume, or be hidden by the tmpfs), nor go into a read-only root
     * file system (the engine refuses the copy).
     */
    private void checkMountedFiles(Fields spec, FileSources sources, List<VolumeMount> volumes, RuntimeSpec runtime) {
        Map<String, String> firstAt = new HashMap<>();
        List<String> dirs = new ArrayList<>();
        volumes.forEach(v -> dirs.add(v.mountPath()));
        if (runtime != null) {
            runtime.tmpfs().forEach(t -> dirs.add(t.mountPath()));
        }
        for (String list : List.of("files", "secrets")) {
            List<FileSources.MountedFile> items = list.equals("files") ? sources.files() : sources.secrets();
            for (int i = 0; i < items.size(); i++) {
                String path = "spec." + list + "[" + i + "].mountPath";
                String mount = items.get(i).mountPath();
                String first = firstAt.putIfAbsent(mount, path);
                if (first != null) {
                    r.error(spec.get(list), path, "duplicate mountPath " + NodeReader.quote(mount) + " (first at " + first + ")");
                }
                for (String d : dirs) {
                    if (mount.equals(d) || mount.startsWith(d.endsWith("/") ? d : d + "/")) {
                        r.error(spec.get(list), path, "mountPath " + NodeReader.quote(mount) + " lies in the volume or"
                                + " tmpfs mounted at " + NodeReader.quote(d) + " (a file is copied into the container's"
                                + " own file system)");
                    }
                }
            }
            if (!items.isEmpty() && runtime != null && runtime.securityContext().readOnlyRootFilesystem()) {
                r.error(spec.get(list), "spec." + list, "cannot be used with securityContext.readOnlyRootFilesystem:"
                        + " files are copied into the container's root file system before it starts (see docs/adr/0014)");
            }
        }
    }

    private List<PortMapping> ports(Node node) {
        List<PortMapping> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.ports");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.ports[" + i + "]";
            Fields item = r.mapping(items.get(i), path, PORT);
            if (item == null) {
                continue;
            }
            Integer containerPort = r.integer(item.required("containerPort"), path + ".containerPort", 1, 65535);
            Integer hostPort = r.integer(item.get("hostPort"), path + ".hostPort", 1, 65535);
            Protocol protocol = r.oneOf(item.get("protocol"), path + ".protocol", Protocol.class);
            if (protocol == null && item.get("protocol") == null) {
                protocol = Protocol.TCP;
            }
            String hostIP = ipLiteral(item.get("hostIP"), path + ".hostIP");
            if (containerPort == null || protocol == null) {
                continue;
            }
            String key = containerPort + "/" + protocol;
            String first = firstAt.putIfAbsent(key, path);
            if (first != null) {
                r.error(item.node(), path, "duplicate containerPort " + key + " (first at " + first + ")");
            }
            out.add(new PortMapping(containerPort, hostPort, protocol, hostIP));
        }
        return out;
    }

    private String ipLiteral(Node node, String path) {
        String text = r.text(node, path);
        if (text == null || ipText(text) != null) {
            return text;
        }
        r.error(node, path, "expected an IPv4 or IPv6 address, got " + NodeReader.quote(text));
        return null;
    }

    /** {@code text} when it is an IPv4 or IPv6 literal, else null. */
    static String ipText(String text) {
        if (IPV4.matcher(text).matches()) {
            return text;
        }
        // Only text that InetAddress is sure to parse as an IPv6 literal is handed to it: anything else
        // would make it try a DNS lookup.
        if (text.contains(":") && IPV6_CHARS.matcher(text).matches()) {
            try {
                InetAddress.getByName(text);
                return text;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private List<VolumeMount> volumes(Node node) {
        List<VolumeMount> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.volumes");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.volumes[" + i + "]";
            Fields item = r.mapping(items.get(i), path, VOLUME);
            if (item == null) {
                continue;
            }
            Node nameNode = item.get("name");
            String name = r.text(nameNode, path + ".name");
            if (name != null && !VOLUME_NAME.matcher(name).matches()) {
                r.error(nameNode, path + ".name", "must be letters, digits, '_', '.' or '-', starting with a letter"
                        + " or digit, got " + NodeReader.quote(name));
            }
            String hostPath = absolutePath(item.get("hostPath"), path + ".hostPath");
            if ((nameNode == null) == (item.get("hostPath") == null)) {
                r.error(item.node(), path, "set exactly one of \"name\" (a named volume) or \"hostPath\" (a bind mount)");
            }
            Node mountNode = item.required("mountPath");
            String mountPath = absolutePath(mountNode, path + ".mountPath");
            Boolean readOnly = r.bool(item.get("readOnly"), path + ".readOnly");
            if (mountPath == null) {
                continue;
            }
            String first = firstAt.putIfAbsent(mountPath, path);
            if (first != null) {
                r.error(mountNode, path + ".mountPath", "duplicate mountPath " + NodeReader.quote(mountPath) + " (first at " + first + ")");
            }
            out.add(new VolumeMount(name, hostPath, mountPath, Boolean.TRUE.equals(readOnly)));
        }
        return out;
    }

    private List<String> networks(Node node) {
        List<String> out = new ArrayList<>();
        Map<String, String> firstAt = new HashMap<>();
        List<Node> items = r.list(node, "spec.networks");
        for (int i = 0; items != null && i < items.size(); i++) {
            String path = "spec.networks[" + i + "]";
            Node item = items.get(i);
            String name = r.text(item, path);
            if (name == null) {
                continue;
            }
            if (ContainerSpec.RESERVED_NETWORKS.contains(name)) {
                r.error(item, path, "network " + NodeReader.quote(name) + " is reserved (bridge, host and none are Docker's own)");
            } else if (!NAME.matcher(name).matches()) {
                r.error(item, path, "must be 1-63 lowercase letters, digits or '-', starting and ending with"
                        + " a letter or digit, got " + NodeReader.quote(name));
            } else if (firstAt.putIfAbsent(name, path) != null) {
                r.error(item, path, "duplicate network " + NodeReader.quote(name) + " (first at " + firstAt.get(name) + ")");
            } else {
                out.add(name);
            }
        }
        return out;
    }

    private Resources resources(Node node) {
        Fields resources = r.mapping(node, "spec.resources", RESOURCES);
        if (resources == null) {
            return Resources.NONE;
        }
        Long memory = null;
        Node memoryNode = resources.get("memory");
        String memoryText = r.text(memoryNode, "spec.resources.memory");
        if (memoryText != null) {
            memory = Quantities.bytes(memoryText);
            if (memory == null) {
                r.error(memoryNode, "spec.resources.memory", "expected bytes like 268435456, 256Mi or 1G, got "
                        + NodeReader.quote(memoryText));
            } else if (memory < MIN_MEMORY) {
                r.error(memoryNode, "spec.resources.memory", "must be at least 6Mi (Docker's minimum), got "
                        + NodeReader.quote(memoryText));
            }
        }
        Double cpus = null;
        Node cpusNode = resources.get("cpus");
        String cpusText = r.text(cpusNode, "spec.resources.cpus");
        if (cpusText != null) {
            cpus = positiveNumber(cpusText);
            if (cpus == null) {
                r.error(cpusNode, "spec.resources.cpus", "expected a number greater than 0, got " + NodeReader.quote(cpusText));
            }
        }
        return memory == null && cpus == null ? Resources.NONE : new Resources(memory, cpus);
    }

    private static Double positiveNumber(String text) {
        // Plain decimals only: Double.parseDouble would also take "NaN", "Infinity" and "0x1p3".
        if (!text.matches("[0-9]{1,6}(\\.[0-9]{0,9})?|\\.[0-9]{1,9}")) {
            return null;
        }
        double v = Double.parseDouble(text);
        return v > 0 ? v : null;
    }

    private Duration stopGracePeriod(Node node) {
        String text = r.text(node, "spec.stopGracePeriod");
        if (text == null) {
            return ContainerSpec.DEFAULT_STOP_GRACE;
        }
        Duration d = Quantities.duration(text);
        if (d == null || d.compareTo(MAX_STOP_GRACE) > 0) {
            r.error(node, "spec.stopGracePeriod", "expected a duration from 0s to 10m like 10s, 500ms or 1m30s, got "
                    + NodeReader.quote(text));
            return ContainerSpec.DEFAULT_STOP_GRACE;
        }
        return d;
    }

    private String absolutePath(Node node, String path) {
        String text = r.text(node, path);
        if (text != null && !text.startsWith("/")) {
            r.error(node, path, "expected an absolute path, got " + NodeReader.quote(text));
            return null;
        }
        return text;
    }
}
