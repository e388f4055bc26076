package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import io.hostlet.imports.ComposeNodes.Pair;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts one compose service into a {@link Draft} of a Container manifest. Each key is converted on its own: one
 * that cannot be carried over (no counterpart, a value hostlet cannot express, an unset variable) is reported as
 * {@link NotConverted} at its line and the others go on. Keys starting with {@code x-} are compose extensions,
 * which compose itself ignores; every other key is either converted or reported, unknown ones included.
 */
final class ServiceConverter {

    private static final String NO_FIELD = "hostlet has no such setting";
    private static final String SWARM = "a Swarm setting; hostlet runs one container per manifest on one host";
    /** Keys hostlet has no counterpart for, and why; everything not here and not converted is an unknown key. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("build", "hostlet does not build images: build and tag the image, then set image"),
            Map.entry("profiles", "hostlet runs every manifest in its folder: leave out the file of a service you do"
                    + " not want"),
            Map.entry("platform", "hostlet pulls the engine's own platform"),
            Map.entry("tty", "hostlet runs containers without a terminal"),
            Map.entry("stdin_open", "hostlet runs containers without standard input"),
            Map.entry("external_links", "hostlet joins only the networks a manifest lists"),
            Map.entry("configs", "not converted yet: put the file next to the manifest and mount it with"
                    + " files: [{source, mountPath}]"),
            Map.entry("extends", "resolve it first: `docker compose config` writes the merged file, import that"),
            Map.entry("domainname", NO_FIELD),
            Map.entry("dns_search", NO_FIELD),
            Map.entry("dns_opt", NO_FIELD),
            Map.entry("userns_mode", NO_FIELD),
            Map.entry("uts", NO_FIELD),
            Map.entry("cgroup", NO_FIELD),
            Map.entry("cgroup_parent", NO_FIELD),
            Map.entry("group_add", NO_FIELD),
            Map.entry("isolation", NO_FIELD),
            Map.entry("mac_address", NO_FIELD),
            Map.entry("runtime", NO_FIELD),
            Map.entry("storage_opt", NO_FIELD),
            Map.entry("volumes_from", "hostlet mounts only named volumes and host paths: name the volumes"),
            Map.entry("gpus", "hostlet has no GPU requests: pass the device nodes with devices"),
            Map.entry("device_cgroup_rules", NO_FIELD),
            Map.entry("credential_spec", NO_FIELD),
            Map.entry("annotations", NO_FIELD),
            Map.entry("attach", NO_FIELD),
            Map.entry("develop", "compose watch has no counterpart"),
            Map.entry("label_file", "write the labels into the service"),
            Map.entry("models", NO_FIELD),
            Map.entry("post_start", NO_FIELD),
            Map.entry("pre_stop", NO_FIELD),
            Map.entry("use_api_socket", NO_FIELD),
            Map.entry("provider", NO_FIELD),
            Map.entry("memswap_limit", "hostlet's resources are memory and cpus"),
            Map.entry("mem_reservation", "hostlet's resources are memory and cpus"),
            Map.entry("mem_swappiness", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_shares", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_quota", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_period", "hostlet's resources are memory and cpus"),
            Map.entry("cpuset", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_count", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_percent", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_rt_runtime", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_rt_period", "hostlet's resources are memory and cpus"),
            Map.entry("pids_limit", "hostlet's resources are memory and cpus"),
            Map.entry("blkio_config", "hostlet's resources are memory and cpus"),
            Map.entry("oom_kill_disable", NO_FIELD),
            Map.entry("oom_score_adj", NO_FIELD));
    private static final Pattern NUMERIC_USER = Pattern.compile("([0-9]{1,10})(?::([0-9]{1,10}))?");
    private static final Pattern PORT_RANGE = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?");
    private static final Set<String> IGNORED_MODES = Set.of("rw", "cached", "delegated", "consistent");

    private final Project p;
    private final ComposeNodes n;
    private final List<NotConverted> dropped;
    private final List<String> notices;
    private final String service;
    private final String base;
    private final Draft d;
    private final Set<String> portKeys = new HashSet<>();
    private boolean hostNetwork;

    private ServiceConverter(Project p, ComposeNodes n, String service, int line, List<NotConverted> dropped,
                             List<String> notices) {
        this.p = p;
        this.n = n;
        this.service = service;
        this.base = "services." + service;
        this.dropped = dropped;
        this.notices = notices;
        this.d = new Draft(service, p.names().get(service), line);
    }

    /** The draft of {@code service} (its node {@code body}, key at {@code line}); reports go to {@code dropped}. */
    static Draft convert(Project p, ComposeNodes n, String service, Node body, int line, List<NotConverted> dropped,
                         List<String> notices) {
        return new ServiceConverter(p, n, service, line, dropped, notices).convert(body, line);
    }

    private Draft convert(Node body, int line) {
        List<Entry> entries = ComposeNodes.entries(body);
        Map<String, Entry> byKey = new LinkedHashMap<>();
        entries.forEach(e -> byKey.put(e.key(), e));
        // network_mode first: with the host's network, ports, networks and names have nothing to apply to.
        Entry mode = byKey.get("network_mode");
        if (mode != null) {
            guarded(mode, () -> networkMode(mode));
        }
        for (Entry e : entries) {
            if (!e.key().equals("network_mode") && !e.key().equals("expose") && !e.key().startsWith("x-")) {
                guarded(e, () -> key(e, byKey));
            }
        }
        // expose last: a port that ports publishes is exposed with it, whichever key comes first
        Entry expose = byKey.get("expose");
        if (expose != null && !ComposeNodes.isNull(expose.value())) {
            guarded(expose, () -> expose(expose.value(), base + ".expose"));
        }
        if (!byKey.containsKey("networks") && !hostNetwork && mode == null && p.defaultNetwork()) {
            Draft.add(d.spec, "networks", p.networks().get("default"), base, line);
        }
        if (!byKey.containsKey("restart") && !restartFromDeploy(byKey.get("deploy"))) {
            // compose's default is "no": a container that exits stays down. hostlet's default is Always.
            Draft.put(d.spec, "restartPolicy", "Never", base, line);
        }
        if (!byKey.containsKey("pull_policy") && d.spec.get("image") instanceof Draft.Item image
                && floatingTag((String) image.value())) {
            // compose pulls only a missing image; hostlet's default for :latest would follow the registry.
            Draft.put(d.spec, "imagePullPolicy", "IfNotPresent", base, line);
        }
        order();
        return d;
    }

    private void guarded(Entry e, Runnable conversion) {
        try {
            conversion.run();
        } catch (Skip s) {
            drop(s.at == null ? e.line() : ComposeNodes.line(s.at), base + "." + e.key(), s.getMessage());
        } catch (IllegalArgumentException unreadable) {
            // a number too large, a path with a NUL: the key is unreadable as a value, not the import as a whole
            drop(e.line(), base + "." + e.key(), "cannot read its value");
        }
    }

    private void drop(int line, String key, String why) {
        dropped.add(new NotConverted(p.file(), line, key, why));
    }

    private void drop(Node at, String key, String why) {
        drop(ComposeNodes.line(at), key, why);
    }

    private void key(Entry e, Map<String, Entry> all) {
        String k = e.key();
        Node v = e.value();
        String path = base + "." + k;
        int line = e.line();
        if (ComposeNodes.isNull(v) && !k.equals("environment")) {
            return; // "key:" with nothing is the same as no key, in compose as in hostlet
        }
        switch (k) {
            case "image" -> Draft.put(d.spec, "image", n.required(v), path, line);
            case "pull_policy" -> pullPolicy(v, path, line);
            case "command" -> Draft.put(d.spec, "args", command(v), path, line);
            case "entrypoint" -> {
                List<String> c = command(v);
                if (c.isEmpty()) {
                    throw new Skip("an empty entrypoint clears the image's; hostlet cannot clear it: name the command");
                }
                Draft.put(d.spec, "command", c, path, line);
            }
            case "working_dir" -> Draft.put(d.spec, "workingDir", n.required(v), path, line);
            case "user" -> user(v, path, line);
            case "environment" -> environment(v, path);
            case "env_file" -> envFiles(v, path);
            case "ports" -> ports(v, path);
            case "volumes" -> volumes(v, path);
            case "tmpfs" -> tmpfs(v, path);
            case "networks" -> networks(v, path, line);
            case "links" -> links(v, path);
            case "restart" -> restart(n.required(v), path, line);
            case "deploy" -> deploy(v, path, all.containsKey("restart"));
            case "mem_limit" -> {
                if (hasDeployLimit(all.get("deploy"), "memory")) {
                    throw new Skip("deploy.resources.limits.memory is written instead");
                }
                Draft.put(Draft.map(d.spec, "resources"), "memory", ComposeValues.bytes(n.required(v)), path, line);
            }
            case "cpus" -> {
                if (hasDeployLimit(all.get("deploy"), "cpus")) {
                    throw new Skip("deploy.resources.limits.cpus is written instead");
                }
                Draft.put(Draft.map(d.spec, "resources"), "cpus", cpus(n.required(v)), path, line);
            }
            case "stop_grace_period" -> Draft.put(d.spec, "stopGracePeriod", ComposeValues.duration(n.required(v)), path, line);
            case "healthcheck" -> healthcheck(v, path, line);
            case "depends_on" -> dependsOn(v, path);
            case "logging" -> logging(v, path);
            case "privileged" -> Draft.put(security(), "privileged", n.bool(v), path, line);
            case "cap_add", "cap_drop" -> {
                Map<String, Object> caps = Draft.map(security(), "capabilities");
                List<Node> items = ComposeNodes.items(v);
                for (int i = 0; i < items.size(); i++) {
                    Draft.add(caps, k.equals("cap_add") ? "add" : "drop",
                            n.required(items.get(i)).toUpperCase(Locale.ROOT), path + "[" + i + "]",
                            ComposeNodes.line(items.get(i)));
                }
            }
            case "read_only" -> Draft.put(security(), "readOnlyRootFilesystem", n.bool(v), path, line);
            case "security_opt" -> securityOpt(v, path);
            case "pid" -> hostNamespace(n.required(v), "hostPID", path, line);
            case "ipc" -> {
                String ipc = n.required(v);
                if (!ipc.equals("private")) { // "private" is Docker's default: nothing to write
                    hostNamespace(ipc, "hostIPC", path, line);
                }
            }
            case "devices" -> devices(v, path);
            case "extra_hosts" -> {
                hostNetworkRefuses();
                extraHosts(v, path);
            }
            case "hostname" -> {
                hostNetworkRefuses();
                Draft.put(d.spec, "hostname", n.required(v), path, line);
            }
            case "dns" -> {
                hostNetworkRefuses();
                List<String> servers = n.strings(v);
                for (String s : servers) {
                    Draft.add(d.spec, "dns", s, path, line);
                }
            }
            case "shm_size" -> Draft.put(d.spec, "shmSize", ComposeValues.bytes(n.required(v)), path, line);
            case "sysctls" -> {
                Map<String, Object> sysctls = Draft.map(d.spec, "sysctls");
                for (Pair s : ComposeNodes.pairs(v, "=")) {
                    pairItem(s, path, () -> Draft.put(sysctls, s.key(), n.value(s) == null ? "" : n.value(s), path + "." + s.key(),
                            ComposeNodes.line(s.node())));
                }
            }
            case "init" -> Draft.put(d.spec, "init", n.bool(v), path, line);
            case "stop_signal" -> Draft.put(d.spec, "stopSignal", n.required(v), path, line);
            case "ulimits" -> ulimits(v, path);
            case "labels" -> {
                Map<String, Object> labels = Draft.map(d.metadata, "labels");
                for (Pair l : ComposeNodes.pairs(v, "=")) {
                    pairItem(l, path, () -> Draft.put(labels, l.key(), n.value(l) == null ? "" : n.value(l),
                            path + "." + l.key(), ComposeNodes.line(l.node())));
                }
            }
            case "container_name" -> {
                String name = n.required(v);
                if (!name.equals(d.name)) {
                    throw new Skip("hostlet names the container after its manifest, " + d.name
                            + ", and other containers reach it by that name");
                }
            }
            case "secrets" -> secrets(v, path);
            case "scale" -> {
                if (!n.required(v).equals("1")) {
                    throw new Skip("hostlet runs one container per manifest");
                }
            }
            default -> throw new Skip(UNSUPPORTED.getOrDefault(k, "unknown compose key"));
        }
    }

    // --- image and command

    private void pullPolicy(Node v, String path, int line) {
        String policy = switch (n.required(v)) {
            case "always" -> "Always";
            case "never" -> "Never";
            case "missing", "if_not_present" -> "IfNotPresent";
            case "build" -> throw new Skip("hostlet does not build images");
            default -> throw new Skip("hostlet pulls always, when missing or never; no schedule");
        };
        Draft.put(d.spec, "imagePullPolicy", policy, path, line);
    }

    private static boolean floatingTag(String image) {
        if (image.contains("@")) {
            return false;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon <= slash || image.substring(colon + 1).equals("latest");
    }

    private List<String> command(Node v) {
        if (v instanceof ScalarNode) {
            return ComposeValues.shellSplit(n.required(v));
        }
        return n.strings(v);
    }

    private void user(Node v, String path, int line) {
        String user = n.required(v);
        Matcher m = NUMERIC_USER.matcher(user);
        if (m.matches() && Long.parseLong(m.group(1)) <= Integer.MAX_VALUE
                && (m.group(2) == null || Long.parseLong(m.group(2)) <= Integer.MAX_VALUE)) {
            Draft.put(security(), "runAsUser", Long.parseLong(m.group(1)), path, line);
            if (m.group(2) != null) {
                Draft.put(security(), "runAsGroup", Long.parseLong(m.group(2)), path, line);
            }
        } else {
            // a user name: the manifest's user field takes it as Docker does
            Draft.put(d.spec, "user", user, path, line);
        }
    }

    // --- environment

    private void environment(Node v, String path) {
        if (ComposeNodes.isNull(v)) {
            return;
        }
        boolean list = !(v instanceof MappingNode);
        List<Pair> pairs = ComposeNodes.pairs(v, "=");
        for (int i = 0; i < pairs.size(); i++) {
            Pair e = pairs.get(i);
            // the key path names the variable only in the map form: in the list form the item may hold a value
            String key = list ? path + "[" + i + "]" : path + "." + e.key();
            pairItem(e, key, () -> {
                String value = n.value(e);
                if (e.raw() == null) {
                    throw new Skip("no value: compose passes " + e.key()
                            + " from the environment it runs in; hostlet has none to pass: write the value");
                }
                Map<String, Object> env = new LinkedHashMap<>();
                env.put("name", e.key());
                env.put("value", value);
                Draft.add(d.spec, "env", env, key, ComposeNodes.line(e.node()));
            });
        }
    }

    private void pairItem(Pair pair, String key, Runnable conversion) {
        try {
            conversion.run();
        } catch (Skip s) {
            drop(s.at == null ? pair.node() : s.at, key, s.getMessage());
        }
    }

    private void envFiles(Node v, String path) {
        List<Node> items = v instanceof ScalarNode ? List.of(v) : ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = v instanceof ScalarNode ? path : path + "[" + i + "]";
            try {
                String file;
                if (item instanceof MappingNode) {
                    file = null;
                    for (Entry e : ComposeNodes.entries(item)) {
                        switch (e.key()) {
                            case "path" -> file = n.required(e.value());
                            case "required" -> {
                                if (!n.bool(e.value())) {
                                    drop(e.keyNode(), key + ".required", "hostlet holds a manifest whose env file is"
                                            + " missing (the running container stays as it is)");
                                }
                            }
                            default -> drop(e.keyNode(), key + "." + e.key(), "hostlet reads env files in dotenv format");
                        }
                    }
                    if (file == null) {
                        throw new Skip(item, "no path");
                    }
                } else {
                    file = n.required(item);
                }
                String name = Path.of(file).getFileName().toString();
                Map<String, Object> from = new LinkedHashMap<>();
                from.put("file", name);
                Draft.add(d.spec, "envFrom", from, key, ComposeNodes.line(item));
                notices.add(d.name + ".yaml: copy the env file " + file + " into hostlet's secrets folder"
                        + " (hostlet.secrets.dir) as " + name + ": envFrom reads it there, never from the manifests");
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    // --- ports

    private void hostNetworkRefuses() {
        if (hostNetwork) {
            throw new Skip("hostlet refuses it with network_mode: host, where the container uses the host's network,"
                    + " names and resolver");
        }
    }

    private void ports(Node v, String path) {
        hostNetworkRefuses();
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                if (item instanceof MappingNode) {
                    longPort(item, key);
                } else {
                    shortPort(n.required(item), item, key);
                }
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    private void shortPort(String text, Node item, String key) {
        String spec = text;
        String protocol = "tcp";
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            protocol = spec.substring(slash + 1);
            spec = spec.substring(0, slash);
        }
        String ip = null;
        String hostPart = null;
        String containerPart;
        if (spec.startsWith("[")) {
            int close = spec.indexOf("]:");
            if (close < 0) {
                throw new Skip("expected [IP]:HOST:CONTAINER, got \"" + text + "\"");
            }
            ip = spec.substring(1, close);
            String rest = spec.substring(close + 2);
            int c = rest.indexOf(':');
            if (c < 0) {
                throw new Skip("expected [IP]:HOST:CONTAINER, got \"" + text + "\"");
            }
            hostPart = rest.substring(0, c);
            containerPart = rest.substring(c + 1);
        } else {
            int last = spec.lastIndexOf(':');
            containerPart = spec.substring(last + 1);
            if (last >= 0) {
                String front = spec.substring(0, last);
                int c = front.lastIndexOf(':');
                hostPart = front.substring(c + 1);
                if (c >= 0) {
                    ip = front.substring(0, c);
                }
            }
        }
        publish(ip, hostPart, containerPart, protocol, item, key);
    }

    private void longPort(Node item, String key) {
        String target = null;
        String published = null;
        String ip = null;
        String protocol = "tcp";
        for (Entry e : ComposeNodes.entries(item)) {
            switch (e.key()) {
                case "target" -> target = n.required(e.value());
                case "published" -> published = n.text(e.value());
                case "host_ip" -> ip = n.text(e.value());
                case "protocol" -> protocol = n.required(e.value());
                case "mode" -> {
                    // host and ingress differ only on a swarm; on one engine both publish on this host
                }
                default -> drop(e.keyNode(), key + "." + e.key(), e.key().equals("name") || e.key().equals("app_protocol")
                        ? "hostlet's ports have no names or application protocols" : "unknown compose key");
            }
        }
        if (target == null) {
            throw new Skip(item, "no target");
        }
        publish(ip, published, target, protocol, item, key);
    }

    private void publish(String ip, String hostPart, String containerPart, String protocol, Node item, String key) {
        String proto = protocol.toLowerCase(Locale.ROOT);
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw new Skip("hostlet publishes TCP and UDP only, got \"" + protocol + "\"");
        }
        int[] container = range(containerPart);
        int[] host = hostPart == null || hostPart.isEmpty() ? null : range(hostPart);
        if (host != null && host.length != container.length) {
            throw new Skip("hostlet publishes one host port per container port; the ranges differ in length");
        }
        if (ip != null && ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        if (ip != null && ip.isEmpty()) {
            ip = null;
        }
        for (int i = 0; i < container.length; i++) {
            Map<String, Object> port = new LinkedHashMap<>();
            port.put("containerPort", container[i]);
            if (host != null) {
                port.put("hostPort", host[i]);
            }
            if (proto.equals("udp")) {
                port.put("protocol", "UDP");
            }
            if (host != null && ip != null) {
                port.put("hostIP", ip);
            }
            portKeys.add(container[i] + "/" + proto);
            Draft.add(d.spec, "ports", port, key, ComposeNodes.line(item));
        }
        if (host == null) {
            // written as an exposed port (reachable from its networks), but compose also published it
            drop(item, key, "published on a random host port in compose; hostlet publishes fixed host ports only:"
                    + " written as exposed, set HOST:CONTAINER to publish it");
        }
    }

    private static int[] range(String text) {
        Matcher m = PORT_RANGE.matcher(text.trim());
        if (!m.matches()) {
            throw new Skip("expected a port or a range like 8000-8010, got \"" + text + "\"");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (to < from || to - from >= 1000) {
            throw new Skip("the port range \"" + text + "\" is empty or wider than 1000 ports");
        }
        int[] out = new int[to - from + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private void expose(Node v, String path) {
        hostNetworkRefuses();
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            try {
                String text = n.required(item);
                String proto = "tcp";
                int slash = text.indexOf('/');
                if (slash >= 0) {
                    proto = text.substring(slash + 1).toLowerCase(Locale.ROOT);
                    text = text.substring(0, slash);
                }
                if (!proto.equals("tcp") && !proto.equals("udp")) {
                    throw new Skip("hostlet exposes TCP and UDP only");
                }
                for (int port : range(text)) {
                    if (portKeys.add(port + "/" + proto)) { // already in ports: exposed with it
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("containerPort", port);
                        if (proto.equals("udp")) {
                            m.put("protocol", "UDP");
                        }
                        Draft.add(d.spec, "ports", m, path + "[" + i + "]", ComposeNodes.line(item));
                    }
                }
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, path + "[" + i + "]", s.getMessage());
            }
        }
    }

    // --- volumes and tmpfs

    private void volumes(Node v, String path) {
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                if (item instanceof MappingNode) {
                    longVolume(item, key);
                } else {
                    shortVolume(n.required(item), item, key);
                }
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    private void shortVolume(String text, Node item, String key) {
        String[] parts = text.split(":", -1);
        if (parts.length == 1) {
            throw new Skip("an anonymous volume; hostlet mounts named volumes: write NAME:" + text);
        }
        if (parts.length > 3) {
            throw new Skip("expected SOURCE:TARGET[:MODE], got \"" + text + "\"");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String mode : parts[2].split(",")) {
                if (mode.equals("ro")) {
                    readOnly = true;
                } else if (!IGNORED_MODES.contains(mode)) {
                    drop(item, key, "the mount option \"" + mode + "\": hostlet mounts read-write or read-only only;"
                            + " mounted without it");
                }
            }
        }
        mount(parts[0], parts[1], readOnly, null, item, key);
    }

    private void longVolume(Node item, String key) {
        String type = null;
        String source = null;
        String target = null;
        boolean readOnly = false;
        String size = null;
        for (Entry e : ComposeNodes.entries(item)) {
            switch (e.key()) {
                case "type" -> type = n.required(e.value());
                case "source" -> source = n.text(e.value());
                case "target" -> target = n.required(e.value());
                case "read_only" -> readOnly = n.bool(e.value());
                case "consistency" -> {
                    // a macOS file-sharing hint; no effect on a Linux engine
                }
                case "bind" -> {
                    for (Entry b : ComposeNodes.entries(e.value())) {
                        if (b.key().equals("create_host_path")) {
                            continue; // the notice for a missing host path says what matters
                        }
                        drop(b.keyNode(), key + ".bind." + b.key(), "hostlet bind mounts have no propagation or"
                                + " SELinux options");
                    }
                }
                case "volume" -> {
                    for (Entry b : ComposeNodes.entries(e.value())) {
                        drop(b.keyNode(), key + ".volume." + b.key(), "hostlet mounts a whole named volume, copying"
                                + " the image's files into it when it is new");
                    }
                }
                case "tmpfs" -> {
                    for (Entry b : ComposeNodes.entries(e.value())) {
                        if (b.key().equals("size")) {
                            size = ComposeValues.bytes(n.required(b.value()));
                        } else {
                            drop(b.keyNode(), key + ".tmpfs." + b.key(), "hostlet's tmpfs has a size only");
                        }
                    }
                }
                default -> drop(e.keyNode(), key + "." + e.key(), "unknown compose key");
            }
        }
        if (target == null) {
            throw new Skip(item, "no target");
        }
        if ("tmpfs".equals(type)) {
            tmpfsMount(target, size, key, ComposeNodes.line(item));
            return;
        }
        if (type != null && !type.equals("volume") && !type.equals("bind")) {
            throw new Skip(item, "hostlet mounts named volumes, host paths and tmpfs, not \"" + type + "\"");
        }
        if (source == null || source.isEmpty()) {
            throw new Skip(item, "an anonymous volume; hostlet mounts named volumes: give it a source");
        }
        mount(source, target, readOnly, type, item, key);
    }

    private void mount(String source, String target, boolean readOnly, String type, Node item, String key) {
        boolean bind = type == null ? source.startsWith("/") || source.startsWith(".") || source.startsWith("~")
                : type.equals("bind");
        Map<String, Object> m = new LinkedHashMap<>();
        if (bind) {
            String host = hostPath(source);
            m.put("hostPath", host);
            if (!Files.exists(Path.of(host))) {
                notices.add(d.name + ".yaml: the bind-mount source " + host + " does not exist here: compose creates"
                        + " it, hostlet needs it made first (mkdir -p " + host + ")");
            }
        } else {
            m.put("name", p.volume(source));
        }
        m.put("mountPath", target);
        if (readOnly) {
            m.put("readOnly", true);
        }
        Draft.add(d.spec, "volumes", m, key, ComposeNodes.line(item));
    }

    private String hostPath(String source) {
        if (source.startsWith("~")) {
            if (p.home() == null) {
                throw new Skip("~ in a source needs HOME");
            }
            return Path.of(p.home() + source.substring(1)).normalize().toString();
        }
        return p.dir().resolve(source).toAbsolutePath().normalize().toString();
    }

    private void tmpfs(Node v, String path) {
        List<String> items = n.strings(v);
        for (String item : items) {
            int colon = item.indexOf(':');
            String mount = colon < 0 ? item : item.substring(0, colon);
            String size = null;
            if (colon >= 0) {
                for (String option : item.substring(colon + 1).split(",")) {
                    if (option.startsWith("size=")) {
                        size = ComposeValues.bytes(option.substring(5));
                    } else {
                        drop(v, path, "the tmpfs option \"" + option + "\": hostlet's tmpfs has a size only; mounted"
                                + " without it");
                    }
                }
            }
            tmpfsMount(mount, size, path, ComposeNodes.line(v));
        }
    }

    private void tmpfsMount(String mount, String size, String key, int line) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("mountPath", mount);
        if (size != null) {
            t.put("size", size);
        }
        Draft.add(d.spec, "tmpfs", t, key, line);
    }

    // --- networks

    private void networkMode(Entry e) {
        String mode = n.required(e.value());
        if (mode.equals("host")) {
            hostNetwork = true;
            Draft.put(d.spec, "hostNetwork", true, base + ".network_mode", e.line());
        } else if (!mode.equals("bridge")) { // bridge: Docker's default bridge, hostlet's default too
            throw new Skip("hostlet joins the host's network or bridge networks, not \"" + mode + "\"");
        }
    }

    private void networks(Node v, String path, int line) {
        hostNetworkRefuses();
        if (v instanceof MappingNode) {
            for (Entry e : ComposeNodes.entries(v)) {
                join(e.key(), path, e.line());
                if (!ComposeNodes.isNull(e.value())) {
                    for (Entry o : ComposeNodes.entries(e.value())) {
                        drop(o.keyNode(), path + "." + e.key() + "." + o.key(), o.key().equals("aliases")
                                ? "hostlet gives a container one name on its networks: its manifest name"
                                : "hostlet attaches containers with the network's defaults");
                    }
                }
            }
        } else {
            for (Node item : ComposeNodes.items(v)) {
                join(n.required(item), path, ComposeNodes.line(item));
            }
        }
    }

    private void join(String network, String path, int line) {
        String name = p.networks().get(network);
        if (name == null) {
            throw new Skip("the network \"" + network + "\" is not declared under networks:");
        }
        Draft.add(d.spec, "networks", name, path + "." + network, line);
    }

    private void links(Node v, String path) {
        for (String link : n.strings(v)) {
            String[] parts = link.split(":");
            if (parts.length == 2 && !parts[0].equals(parts[1])) {
                throw new Skip("hostlet has no link aliases: containers on one network reach each other by name");
            }
            // a link by the service's own name: reachable by name on the shared network already
        }
    }

    // --- restart, deploy, resources

    private void restart(String policy, String path, int line) {
        String p2;
        if (policy.equals("no")) {
            p2 = "Never";
        } else if (policy.equals("always") || policy.equals("unless-stopped")) {
            // unless-stopped differs from always only after a manual docker stop; hostlet restores what is declared
            p2 = "Always";
        } else if (policy.equals("on-failure")) {
            p2 = "OnFailure";
        } else if (policy.startsWith("on-failure:")) {
            p2 = "OnFailure";
            drop(line, path, "the retry limit " + policy.substring(11) + ": hostlet retries with a backoff, unlimited;"
                    + " written as OnFailure");
        } else {
            throw new Skip("expected no, always, on-failure or unless-stopped, got \"" + policy + "\"");
        }
        Draft.put(d.spec, "restartPolicy", p2, path, line);
    }

    private boolean restartFromDeploy(Entry deploy) {
        if (deploy == null || !(deploy.value() instanceof MappingNode)) {
            return false;
        }
        try {
            return ComposeNodes.entries(deploy.value()).stream().anyMatch(e -> e.key().equals("restart_policy"));
        } catch (Skip s) {
            return false;
        }
    }

    private boolean hasDeployLimit(Entry deploy, String key) {
        try {
            if (deploy == null) {
                return false;
            }
            for (Entry r : ComposeNodes.entries(deploy.value())) {
                if (r.key().equals("resources")) {
                    for (Entry l : ComposeNodes.entries(r.value())) {
                        if (l.key().equals("limits")) {
                            return ComposeNodes.entries(l.value()).stream().anyMatch(e -> e.key().equals(key));
                        }
                    }
                }
            }
        } catch (Skip s) {
            return false;
        }
        return false;
    }

    private void deploy(Node v, String path, boolean hasRestart) {
        for (Entry e : ComposeNodes.entries(v)) {
            String key = path + "." + e.key();
            try {
                switch (e.key()) {
                    case "resources" -> resources(e.value(), key);
                    case "replicas" -> {
                        if (!n.required(e.value()).equals("1")) {
                            drop(e.keyNode(), key, "hostlet runs one container per manifest");
                        }
                    }
                    case "mode" -> {
                        if (!n.required(e.value()).equals("replicated")) {
                            drop(e.keyNode(), key, SWARM);
                        }
                    }
                    case "restart_policy" -> {
                        for (Entry r : ComposeNodes.entries(e.value())) {
                            if (r.key().equals("condition") && !hasRestart) {
                                String c = n.required(r.value());
                                String policy = switch (c) {
                                    case "none" -> "Never";
                                    case "on-failure" -> "OnFailure";
                                    case "any" -> "Always";
                                    default -> throw new Skip(r.value(), "expected none, on-failure or any");
                                };
                                Draft.put(d.spec, "restartPolicy", policy, key + ".condition", r.line());
                            } else if (!r.key().equals("condition")) {
                                drop(r.keyNode(), key + "." + r.key(), "hostlet restarts with its own backoff, unlimited");
                            }
                        }
                    }
                    case "placement", "update_config", "rollback_config", "endpoint_mode", "labels" ->
                            drop(e.keyNode(), key, SWARM);
                    default -> drop(e.keyNode(), key, "unknown compose key");
                }
            } catch (Skip s) {
                drop(s.at == null ? e.keyNode() : s.at, key, s.getMessage());
            }
        }
    }

    private void resources(Node v, String path) {
        for (Entry e : ComposeNodes.entries(v)) {
            if (!e.key().equals("limits")) {
                drop(e.keyNode(), path + "." + e.key(), "hostlet sets limits only (memory and cpus)");
                continue;
            }
            for (Entry l : ComposeNodes.entries(e.value())) {
                String key = path + ".limits." + l.key();
                try {
                    switch (l.key()) {
                        case "memory" -> Draft.put(Draft.map(d.spec, "resources"), "memory",
                                ComposeValues.bytes(n.required(l.value())), key, l.line());
                        case "cpus" -> Draft.put(Draft.map(d.spec, "resources"), "cpus", cpus(n.required(l.value())),
                                key, l.line());
                        default -> drop(l.keyNode(), key, "hostlet's limits are memory and cpus");
                    }
                } catch (Skip s) {
                    drop(s.at == null ? l.keyNode() : s.at, key, s.getMessage());
                }
            }
        }
    }

    private static Double cpus(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new Skip("expected a number of CPUs like 0.5, got \"" + text + "\"");
        }
    }

    // --- health, dependencies, logging

    private void healthcheck(Node v, String path, int line) {
        Map<String, Object> h = new LinkedHashMap<>();
        boolean test = false;
        for (Entry e : ComposeNodes.entries(v)) {
            String key = path + "." + e.key();
            try {
                switch (e.key()) {
                    case "test" -> {
                        List<String> exec = healthTest(e.value());
                        if (exec == null) {
                            throw new Skip("test NONE switches off the image's health check; hostlet cannot");
                        }
                        Draft.put(h, "exec", exec, key, e.line());
                        test = true;
                    }
                    case "interval" -> Draft.put(h, "interval", ComposeValues.duration(n.required(e.value())), key, e.line());
                    case "timeout" -> Draft.put(h, "timeout", ComposeValues.duration(n.required(e.value())), key, e.line());
                    case "start_period" -> Draft.put(h, "startPeriod", ComposeValues.duration(n.required(e.value())), key,
                            e.line());
                    case "retries" -> Draft.put(h, "retries", Integer.parseInt(n.required(e.value()).trim()), key, e.line());
                    case "disable" -> {
                        if (n.bool(e.value())) {
                            throw new Skip("hostlet cannot switch off an image's health check");
                        }
                    }
                    case "start_interval" -> throw new Skip("hostlet's health checks have one interval");
                    default -> throw new Skip("unknown compose key");
                }
            } catch (NumberFormatException ex) {
                drop(e.keyNode(), key, "expected a whole number");
            } catch (Skip s) {
                drop(s.at == null ? e.keyNode() : s.at, key, s.getMessage());
            }
        }
        if (!test) {
            if (!h.isEmpty()) {
                drop(line, path, "no test: hostlet's healthcheck names its command (the image's own check runs with"
                        + " its own timing)");
            }
            return;
        }
        d.spec.put("healthcheck", h);
    }

    /** The command a test runs, or null for NONE. */
    private List<String> healthTest(Node v) {
        if (v instanceof ScalarNode) {
            return List.of("/bin/sh", "-c", n.required(v)); // a string is CMD-SHELL
        }
        List<String> t = n.strings(v);
        if (t.isEmpty()) {
            throw new Skip(v, "empty test");
        }
        return switch (t.get(0)) {
            case "NONE" -> null;
            case "CMD" -> {
                if (t.size() < 2) {
                    throw new Skip(v, "CMD without a command");
                }
                yield t.subList(1, t.size());
            }
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", t.subList(1, t.size())));
            default -> throw new Skip(v, "expected a test starting with CMD, CMD-SHELL or NONE");
        };
    }

    private void dependsOn(Node v, String path) {
        if (v instanceof MappingNode) {
            for (Entry e : ComposeNodes.entries(v)) {
                String key = path + "." + e.key();
                try {
                    String condition = "started";
                    if (!ComposeNodes.isNull(e.value())) {
                        for (Entry o : ComposeNodes.entries(e.value())) {
                            switch (o.key()) {
                                case "condition" -> condition = switch (n.required(o.value())) {
                                    case "service_started" -> "started";
                                    case "service_healthy" -> "healthy";
                                    case "service_completed_successfully" -> "completed";
                                    default -> throw new Skip(o.value(), "expected service_started, service_healthy"
                                            + " or service_completed_successfully");
                                };
                                case "restart" -> {
                                    if (n.bool(o.value())) {
                                        drop(o.keyNode(), key + ".restart", "hostlet does not restart a container when"
                                                + " one it depends on restarts");
                                    }
                                }
                                case "required" -> {
                                    if (!n.bool(o.value())) {
                                        drop(o.keyNode(), key + ".required", "hostlet waits for every dependency:"
                                                + " written as required");
                                    }
                                }
                                default -> drop(o.keyNode(), key + "." + o.key(), "unknown compose key");
                            }
                        }
                    }
                    depend(e.key(), condition, key, e.line());
                } catch (Skip s) {
                    drop(s.at == null ? e.keyNode() : s.at, key, s.getMessage());
                }
            }
        } else {
            for (Node item : ComposeNodes.items(v)) {
                String name = n.required(item);
                try {
                    depend(name, "started", path + "." + name, ComposeNodes.line(item));
                } catch (Skip s) {
                    drop(item, path + "." + name, s.getMessage());
                }
            }
        }
    }

    private void depend(String service, String condition, String key, int line) {
        String name = p.names().get(service);
        if (name == null) {
            throw new Skip("the service \"" + service + "\" is not converted");
        }
        Map<String, Object> dep = new LinkedHashMap<>();
        dep.put("name", name);
        if (!condition.equals("started")) {
            dep.put("condition", condition);
        }
        Draft.add(d.spec, "dependsOn", dep, key, line);
    }

    private void logging(Node v, String path) {
        Map<String, Object> logging = Draft.map(d.spec, "logging");
        for (Entry e : ComposeNodes.entries(v)) {
            String key = path + "." + e.key();
            try {
                switch (e.key()) {
                    case "driver" -> Draft.put(logging, "driver", n.required(e.value()), key, e.line());
                    case "options" -> {
                        Map<String, Object> options = Draft.map(logging, "options");
                        for (Pair o : ComposeNodes.pairs(e.value(), "=")) {
                            pairItem(o, key + "." + o.key(), () -> Draft.put(options, o.key(),
                                    n.value(o) == null ? "" : n.value(o), key + "." + o.key(), ComposeNodes.line(o.node())));
                        }
                    }
                    default -> throw new Skip("unknown compose key");
                }
            } catch (Skip s) {
                drop(s.at == null ? e.keyNode() : s.at, key, s.getMessage());
            }
        }
    }

    // --- host-facing fields

    private Map<String, Object> security() {
        return Draft.map(d.spec, "securityContext");
    }

    private void hostNamespace(String value, String field, String path, int line) {
        if (!value.equals("host")) {
            throw new Skip("hostlet shares the host's namespace or none, not \"" + value + "\"");
        }
        Draft.put(d.spec, field, true, path, line);
    }

    private void securityOpt(Node v, String path) {
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                String opt = n.required(item);
                String[] kv = opt.split("[:=]", 2);
                String name = kv[0];
                String value = kv.length > 1 ? kv[1] : "true";
                if (name.equals("no-new-privileges")) {
                    Draft.put(security(), "noNewPrivileges", ComposeValues.bool(value), key, ComposeNodes.line(item));
                } else if ((name.equals("seccomp") || name.equals("apparmor")) && value.equals("unconfined")) {
                    Map<String, Object> profile = new LinkedHashMap<>();
                    profile.put("type", "Unconfined");
                    Draft.put(security(), name.equals("seccomp") ? "seccompProfile" : "appArmorProfile", profile, key,
                            ComposeNodes.line(item));
                } else {
                    throw new Skip("hostlet sets no-new-privileges and unconfined seccomp or AppArmor only");
                }
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    private void devices(Node v, String path) {
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                Map<String, Object> dev = new LinkedHashMap<>();
                if (item instanceof MappingNode) {
                    for (Entry e : ComposeNodes.entries(item)) {
                        switch (e.key()) {
                            case "source" -> dev.put("hostPath", n.required(e.value()));
                            case "target" -> dev.put("containerPath", n.required(e.value()));
                            case "permissions" -> dev.put("permissions", n.required(e.value()));
                            default -> throw new Skip(e.keyNode(), "unknown compose key");
                        }
                    }
                } else {
                    String[] parts = n.required(item).split(":");
                    if (!parts[0].startsWith("/") || parts.length > 3) {
                        throw new Skip("hostlet passes device nodes by path, not CDI names");
                    }
                    dev.put("hostPath", parts[0]);
                    if (parts.length > 1 && !parts[1].equals(parts[0])) {
                        dev.put("containerPath", parts[1]);
                    }
                    if (parts.length > 2 && !parts[2].equals("rwm")) {
                        dev.put("permissions", parts[2]);
                    }
                }
                Draft.add(d.spec, "devices", dev, key, ComposeNodes.line(item));
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    private void extraHosts(Node v, String path) {
        boolean list = !(v instanceof MappingNode);
        List<Pair> pairs = ComposeNodes.pairs(v, list ? ":=" : "");
        for (int i = 0; i < pairs.size(); i++) {
            Pair h = pairs.get(i);
            String key = list ? path + "[" + i + "]" : path + "." + h.key();
            pairItem(h, key, () -> {
                String ip = n.value(h);
                if (ip == null) {
                    throw new Skip("expected HOST:IP");
                }
                if (ip.startsWith("[") && ip.endsWith("]")) {
                    ip = ip.substring(1, ip.length() - 1);
                }
                if (ip.equals("host-gateway")) {
                    throw new Skip("host-gateway is resolved by the docker CLI; hostlet needs the address:"
                            + " the bridge gateway, often 172.17.0.1");
                }
                Draft.add(d.spec, "extraHosts", h.key() + ":" + ip, key, ComposeNodes.line(h.node()));
            });
        }
    }

    private void ulimits(Node v, String path) {
        Map<String, Object> ulimits = Draft.map(d.spec, "ulimits");
        for (Entry e : ComposeNodes.entries(v)) {
            String key = path + "." + e.key();
            try {
                if (e.value() instanceof MappingNode) {
                    Map<String, Object> sh = new LinkedHashMap<>();
                    for (Entry l : ComposeNodes.entries(e.value())) {
                        if (!l.key().equals("soft") && !l.key().equals("hard")) {
                            throw new Skip(l.keyNode(), "expected soft and hard");
                        }
                        sh.put(l.key(), Long.parseLong(n.required(l.value()).trim()));
                    }
                    Draft.put(ulimits, e.key(), sh, key, e.line());
                } else {
                    Draft.put(ulimits, e.key(), Long.parseLong(n.required(e.value()).trim()), key, e.line());
                }
            } catch (NumberFormatException ex) {
                drop(e.keyNode(), key, "expected a whole number");
            } catch (Skip s) {
                drop(s.at == null ? e.keyNode() : s.at, key, s.getMessage());
            }
        }
    }

    private void secrets(Node v, String path) {
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                String source;
                String target = null;
                if (item instanceof MappingNode) {
                    source = null;
                    for (Entry e : ComposeNodes.entries(item)) {
                        switch (e.key()) {
                            case "source" -> source = n.required(e.value());
                            case "target" -> target = n.required(e.value());
                            default -> drop(e.keyNode(), key + "." + e.key(), "hostlet mounts secrets read-only for"
                                    + " the container's user, mode 0400");
                        }
                    }
                    if (source == null) {
                        throw new Skip(item, "no source");
                    }
                } else {
                    source = n.required(item);
                }
                String file = p.secrets().get(source);
                if (file == null) {
                    throw new Skip("the secret \"" + source + "\" has no file: under secrets: (hostlet reads secrets"
                            + " from files in its secrets folder)");
                }
                String name = Path.of(file).getFileName().toString();
                String mount = target == null ? "/run/secrets/" + source
                        : target.startsWith("/") ? target : "/run/secrets/" + target;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("source", name);
                s.put("mountPath", mount);
                Draft.add(d.spec, "secrets", s, key, ComposeNodes.line(item));
                notices.add(d.name + ".yaml: copy the secret file " + file + " into hostlet's secrets folder"
                        + " (hostlet.secrets.dir) as " + name);
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    /** Spec fields in the order the manifest reference lists them, so every imported file reads alike. */
    private void order() {
        List<String> order = List.of("image", "imagePullPolicy", "command", "args", "workingDir", "user", "env",
                "envFrom", "ports", "volumes", "secrets", "networks", "restartPolicy", "resources", "stopGracePeriod",
                "healthcheck", "dependsOn", "hostNetwork", "hostPID", "hostIPC", "securityContext", "devices",
                "extraHosts", "hostname", "dns", "tmpfs", "shmSize", "sysctls", "init", "stopSignal", "ulimits",
                "logging");
        Map<String, Object> sorted = new LinkedHashMap<>();
        for (String k : order) {
            if (d.spec.containsKey(k)) {
                sorted.put(k, d.spec.get(k));
            }
        }
        d.spec.forEach(sorted::putIfAbsent);
        d.spec.clear();
        d.spec.putAll(sorted);
        List<String> security = List.of("privileged", "capabilities", "readOnlyRootFilesystem", "noNewPrivileges",
                "runAsUser", "runAsGroup", "seccompProfile", "appArmorProfile");
        if (d.spec.get("securityContext") instanceof Map<?, ?>) {
            Map<String, Object> sc = security();
            Map<String, Object> s2 = new LinkedHashMap<>();
            security.stream().filter(sc::containsKey).forEach(k -> s2.put(k, sc.get(k)));
            sc.clear();
            sc.putAll(s2);
        }
    }
}
