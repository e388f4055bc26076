package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.ObservedContainer;

import java.util.List;

/**
 * What creating a container takes, decided here so the executor only passes it on: its labels, how it gets its image,
 * the networks it joins and the anonymous volumes it keeps from the container it replaces.
 */
final class NewContainers {

    private NewContainers() {
    }

    /** What creating {@code m} takes; {@code replaced} is the container it replaces (whose volumes it keeps), or null. */
    static Step.NewContainer of(ContainerManifest m, String hash, Origin origin, ObservedContainer replaced) {
        PullMode pull = switch (m.spec().imagePullPolicy()) {
            case Always -> PullMode.FIRST;
            case IfNotPresent -> PullMode.IF_MISSING;
            case Never -> PullMode.NEVER;
        };
        return new Step.NewContainer(m, hash, CreateLabels.container(m, hash, origin), pull,
                m.spec().networks().stream().map(Target::network).toList(),
                replaced == null ? List.of() : VolumeCarryOver.carried(replaced, m));
    }
}
