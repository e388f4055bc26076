package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code healthcheck} and {@code depends_on}: the check a container runs and the order and conditions of its
 * start.
 */
final class HealthFields extends ServiceFields {

    HealthFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code healthcheck} to {@code healthcheck}. */
    void healthcheck(Node v, String path, int line) {
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

    /** {@code depends_on} (list or map) to {@code dependsOn}. */
    void dependsOn(Node v, String path) {
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
}
