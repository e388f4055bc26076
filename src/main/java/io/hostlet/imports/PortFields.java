package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ports} (short and long syntax, ranges expanded) and {@code expose}. A container port is published once:
 * later host ports or addresses for it are reported; {@code expose} runs last so a port {@code ports} publishes
 * is not exposed twice.
 */
final class PortFields extends ServiceFields {

    private static final Pattern PORT_RANGE = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?");

    PortFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code ports}, short and long syntax. */
    void ports(Node v, String path) {
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
            svc.portKeys.add(container[i] + "/" + proto);
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

    /** {@code expose}: ports without a host port, those not already written by {@code ports}. */
    void expose(Node v, String path) {
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
                    if (svc.portKeys.add(port + "/" + proto)) { // already in ports: exposed with it
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
}
