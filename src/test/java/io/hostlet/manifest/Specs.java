package io.hostlet.manifest;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds specs and manifests for tests by naming only the fields a case is about:
 * {@code Specs.manifest("web", Specs.spec("busybox:1").restartPolicy(RestartPolicy.Never))}, or
 * {@code Specs.with(m, s -> s.suspend(true))} for a variation of one manifest.
 */
public final class Specs {

    private Specs() {
    }

    /** A spec builder with only the image set, every other field at its default (see {@link ContainerSpec#builder}). */
    public static ContainerSpec.Builder spec(String image) {
        return ContainerSpec.builder(image);
    }

    /** A manifest named {@code name} without labels, read from line 1 of {@code name.yaml}. */
    public static ContainerManifest manifest(String name, ContainerSpec.Builder spec) {
        return new ContainerManifest(name, Map.of(), spec.build(), new SourceRef(name + ".yaml", 1));
    }

    /** {@code m} with its spec changed by {@code change}; name, labels and source are kept. */
    public static ContainerManifest with(ContainerManifest m, UnaryOperator<ContainerSpec.Builder> change) {
        return new ContainerManifest(m.name(), m.labels(), change.apply(m.spec().toBuilder()).build(), m.source());
    }
}
