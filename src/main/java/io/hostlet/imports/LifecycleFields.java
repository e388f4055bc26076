package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import io.hostlet.imports.ComposeNodes.Pair;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.util.Map;

/**
 * How a container runs over time and what it may use: {@code restart}, {@code deploy} (its restart policy and
 * resource limits; the Swarm settings are reported), {@code mem_limit}/{@code cpus} values, and {@code logging}.
 */
final class LifecycleFields extends ServiceFields {

    private static final String SWARM = "a Swarm setting; hostlet runs one container per manifest on one host";

    LifecycleFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code restart} to {@code restartPolicy}. */
    void restart(String policy, String path, int line) {
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

    /** Whether {@code deploy.restart_policy.condition} gives the restart policy (there is no {@code restart}). */
    boolean restartFromDeploy(Entry deploy) {
        if (deploy == null || !(deploy.value() instanceof MappingNode)) {
            return false;
        }
        try {
            return ComposeNodes.entries(deploy.value()).stream().anyMatch(e -> e.key().equals("restart_policy"));
        } catch (Skip s) {
            return false;
        }
    }

    /** Whether {@code deploy.resources.limits} sets {@code key}, which wins over {@code mem_limit}/{@code cpus}. */
    boolean hasDeployLimit(Entry deploy, String key) {
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

    /** {@code deploy}: restart policy and resource limits; Swarm settings reported. */
    void deploy(Node v, String path, boolean hasRestart) {
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

    /** A {@code cpus} value as a number; throws {@link Skip} when it is none. */
    static Double cpus(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new Skip("expected a number of CPUs like 0.5, got \"" + text + "\"");
        }
    }

    /** {@code logging}: driver and options. */
    void logging(Node v, String path) {
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
}
