package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SpecLabel;
import io.hostlet.observed.Labels;

import java.util.Map;
import java.util.TreeMap;

/**
 * The labels hostlet puts on what it creates: ownership, and for containers what the planner later reads back
 * (name, spec hash and canonical spec, source file, stop grace, revision, dependencies). Pure; the planner puts the
 * result into the create steps so the executor only passes them on.
 */
final class CreateLabels {

    private CreateLabels() {
    }

    /** The labels of a network hostlet creates. */
    static Map<String, String> network(Origin origin) {
        return Map.copyOf(Labels.ownership(origin.instance()));
    }

    /** The labels of a container created for {@code m} whose spec hash is {@code hash}. */
    static Map<String, String> container(ContainerManifest m, String hash, Origin origin) {
        Map<String, String> labels = new TreeMap<>(Labels.ownership(origin.instance()));
        labels.put(Labels.NAME, m.name());
        labels.put(Labels.SPEC_HASH, hash);
        labels.put(Labels.SPEC, SpecLabel.write(m, origin.labelKey())); // never values: labels are public
        labels.put(Labels.SOURCE, m.source().file());
        labels.put(Labels.STOP_GRACE, Long.toString(m.spec().stopGracePeriod().toSeconds()));
        if (origin.revision() != null) {
            labels.put(Labels.REVISION, origin.revision());
        }
        if (!m.spec().dependsOn().isEmpty()) {
            labels.put(Labels.DEPENDS_ON, String.join(",", m.spec().dependsOn().stream().map(d -> d.name()).toList()));
        }
        return labels;
    }
}
