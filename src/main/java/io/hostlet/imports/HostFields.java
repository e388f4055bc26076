package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import io.hostlet.imports.ComposeNodes.Pair;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Host-facing fields: {@code pid}/{@code ipc} host namespaces, {@code security_opt}, {@code devices},
 * {@code extra_hosts} and {@code ulimits}. What the default policy refuses is still written; the import's notice
 * names the configuration line that allows it.
 */
final class HostFields extends ServiceFields {

    HostFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code pid}/{@code ipc}: {@code host} to {@code hostPID}/{@code hostIPC}. */
    void hostNamespace(String value, String field, String path, int line) {
        if (!value.equals("host")) {
            throw new Skip("hostlet shares the host's namespace or none, not \"" + value + "\"");
        }
        Draft.put(d.spec, field, true, path, line);
    }

    /** {@code security_opt} to {@code securityContext} fields. */
    void securityOpt(Node v, String path) {
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

    /** {@code devices} to {@code devices}. */
    void devices(Node v, String path) {
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

    /** {@code extra_hosts} to {@code extraHosts}. */
    void extraHosts(Node v, String path) {
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
                Draft.add(d.spec, "extraHosts", h.key() + ":" + ip, key, ComposeNodes.line(h.node()));
            });
        }
    }

    /** {@code ulimits} to {@code ulimits}. */
    void ulimits(Node v, String path) {
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
}
