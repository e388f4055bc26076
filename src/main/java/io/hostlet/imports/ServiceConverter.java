package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import io.hostlet.imports.ComposeNodes.Pair;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts one compose service into a {@link Draft} of a Container manifest. Each key is converted on its own: one
 * that cannot be carried over (no counterpart, a value hostlet cannot express, an unset variable) is reported as
 * {@link NotConverted} at its line and the others go on. Keys starting with {@code x-} are compose extensions,
 * which compose itself ignores; every other key is either converted or reported, unknown ones included.
 */
final class ServiceConverter extends ServiceFields {

    private static final Pattern NUMERIC_USER = Pattern.compile("([0-9]{1,10})(?::([0-9]{1,10}))?");

    private final EnvFields env;
    private final PortFields ports;
    private final MountFields mounts;
    private final NetworkFields networks;
    private final LifecycleFields lifecycle;
    private final HealthFields health;
    private final HostFields host;

    private ServiceConverter(ServiceDraft svc) {
        super(svc);
        env = new EnvFields(svc);
        ports = new PortFields(svc);
        mounts = new MountFields(svc);
        networks = new NetworkFields(svc);
        lifecycle = new LifecycleFields(svc);
        health = new HealthFields(svc);
        host = new HostFields(svc);
    }

    /** The draft of {@code service} (its node {@code body}, key at {@code line}); reports go to {@code dropped}. */
    static Draft convert(Project p, ComposeNodes n, String service, Node body, int line, List<NotConverted> dropped,
                         List<String> notices) {
        return new ServiceConverter(new ServiceDraft(p, n, service, line, dropped, notices)).convert(body, line);
    }

    private Draft convert(Node body, int line) {
        List<Entry> entries = ComposeNodes.entries(body);
        Map<String, Entry> byKey = new LinkedHashMap<>();
        entries.forEach(e -> byKey.put(e.key(), e));
        // network_mode first: with the host's network, ports, networks and names have nothing to apply to.
        Entry mode = byKey.get("network_mode");
        if (mode != null) {
            guarded(mode, () -> networks.networkMode(mode));
        }
        for (Entry e : entries) {
            if (!e.key().equals("network_mode") && !e.key().equals("expose") && !e.key().startsWith("x-")) {
                guarded(e, () -> key(e, byKey));
            }
        }
        // expose last: a port that ports publishes is exposed with it, whichever key comes first
        Entry expose = byKey.get("expose");
        if (expose != null && !ComposeNodes.isNull(expose.value())) {
            guarded(expose, () -> ports.expose(expose.value(), base + ".expose"));
        }
        if (!byKey.containsKey("networks") && !svc.hostNetwork && mode == null && p.defaultNetwork()) {
            Draft.add(d.spec, "networks", p.networks().get("default"), base, line);
        }
        if (!byKey.containsKey("restart") && !lifecycle.restartFromDeploy(byKey.get("deploy"))) {
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

    private void key(Entry e, Map<String, Entry> all) {
        String k = e.key();
        Node v = e.value();
        String path = base + "." + k;
        int line = e.line();
        if (ComposeNodes.isNull(v) && !k.equals("environment")) {
            return; // "key:" with nothing is the same as no key, in compose as in hostlet
        }
        if (v instanceof ScalarNode s && s.getValue().indexOf('$') >= 0 && n.required(v).isEmpty()) {
            return; // empty once interpolated ("${TZ:-}"): compose treats the key as absent
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
            case "environment" -> env.environment(v, path);
            case "env_file" -> env.envFiles(v, path);
            case "ports" -> ports.ports(v, path);
            case "volumes" -> mounts.volumes(v, path);
            case "tmpfs" -> mounts.tmpfs(v, path);
            case "networks" -> networks.networks(v, path, line);
            case "links" -> networks.links(v, path);
            case "restart" -> lifecycle.restart(n.required(v), path, line);
            case "deploy" -> lifecycle.deploy(v, path, all.containsKey("restart"));
            case "mem_limit" -> {
                if (lifecycle.hasDeployLimit(all.get("deploy"), "memory")) {
                    throw new Skip("deploy.resources.limits.memory is written instead");
                }
                Draft.put(Draft.map(d.spec, "resources"), "memory", ComposeValues.bytes(n.required(v)), path, line);
            }
            case "cpus" -> {
                if (lifecycle.hasDeployLimit(all.get("deploy"), "cpus")) {
                    throw new Skip("deploy.resources.limits.cpus is written instead");
                }
                Draft.put(Draft.map(d.spec, "resources"), "cpus", LifecycleFields.cpus(n.required(v)), path, line);
            }
            case "stop_grace_period" -> Draft.put(d.spec, "stopGracePeriod", ComposeValues.duration(n.required(v)), path, line);
            case "healthcheck" -> health.healthcheck(v, path, line);
            case "depends_on" -> health.dependsOn(v, path);
            case "logging" -> lifecycle.logging(v, path);
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
            case "security_opt" -> host.securityOpt(v, path);
            case "pid" -> host.hostNamespace(n.required(v), "hostPID", path, line);
            case "ipc" -> {
                String ipc = n.required(v);
                if (!ipc.equals("private")) { // "private" is Docker's default: nothing to write
                    host.hostNamespace(ipc, "hostIPC", path, line);
                }
            }
            case "devices" -> host.devices(v, path);
            case "extra_hosts" -> {
                hostNetworkRefuses();
                host.extraHosts(v, path);
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
            case "ulimits" -> host.ulimits(v, path);
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
            case "secrets" -> env.secrets(v, path);
            case "tty", "stdin_open" -> {
                if (n.bool(v)) {
                    // an interactive setting: the service runs the same without it (nobody attaches under hostlet)
                    notices.add(d.name + ".yaml: " + k + " is not carried over: hostlet runs containers without a"
                            + (k.equals("tty") ? " terminal" : " standard input") + "; attach with docker exec");
                }
            }
            case "platform" -> notices.add(d.name + ".yaml: platform " + n.required(v) + " is not carried over: the"
                    + " engine pulls its own platform of " + (d.spec.get("image") instanceof Draft.Item i
                    ? i.value() : "the image") + " (pull that platform's image by digest to pin it)");
            case "build" -> notices.add(d.name + ".yaml: build is not carried over: hostlet runs the image the"
                    + " service names (build and push or tag it first, as `docker compose build` does)");
            case "profiles" -> {
                // enabled, or the service would not be converted at all
            }
            case "scale" -> {
                if (!n.required(v).equals("1")) {
                    throw new Skip("hostlet runs one container per manifest");
                }
            }
            default -> throw new Skip(UnsupportedKeys.REASONS.getOrDefault(k, "unknown compose key"));
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