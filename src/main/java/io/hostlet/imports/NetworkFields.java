package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code network_mode}, {@code networks} and {@code links}: the networks a container joins, by the hostlet names
 * the project gives them; {@code network_mode: host} marks the service so fields hostlet refuses there are
 * reported.
 */
final class NetworkFields extends ServiceFields {

    NetworkFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code network_mode}: {@code host} marks the service; {@code bridge} is the default. */
    void networkMode(Entry e) {
        String mode = n.required(e.value());
        if (mode.equals("host")) {
            svc.hostNetwork = true;
            Draft.put(d.spec, "hostNetwork", true, base + ".network_mode", e.line());
        } else if (!mode.equals("bridge")) { // bridge: Docker's default bridge, hostlet's default too
            throw new Skip("hostlet joins the host's network or bridge networks, not \"" + mode + "\"");
        }
    }

    /** {@code networks} (list or map) to the hostlet names of the networks joined. */
    void networks(Node v, String path, int line) {
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

    /** {@code links}: only a link by the service's own name carries over (the shared network gives it). */
    void links(Node v, String path) {
        for (String link : n.strings(v)) {
            String[] parts = link.split(":");
            if (parts.length == 2 && !parts[0].equals(parts[1])) {
                throw new Skip("hostlet has no link aliases: containers on one network reach each other by name");
            }
            // a link by the service's own name: reachable by name on the shared network already
        }
    }
}
