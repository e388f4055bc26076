package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.SpecHash;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.Ownership;

import java.util.List;

/**
 * The containers observed for one manifest, sorted out once for the families that plan it. Docker names are unique:
 * at most one container has the real name; the others are replacements hostlet made ({@code <name>.next-<hash8>}, see
 * {@link Ownership}), left by a crash or in the middle of being swapped in.
 *
 * @param manifest     the desired container
 * @param hash         its spec hash
 * @param nextName     the name of a replacement made for this spec
 * @param found        every container observed for the manifest's name
 * @param real         the one that has the name; null when none has
 * @param replacements the others
 * @param next         the replacement made for this very spec, among them; null when none
 */
record Occupants(ContainerManifest manifest, String hash, String nextName, List<ObservedContainer> found,
                 ObservedContainer real, List<ObservedContainer> replacements, ObservedContainer next) {

    /** Sorts out {@code found}, the containers observed for {@code m}'s name. */
    static Occupants of(ContainerManifest m, List<ObservedContainer> found) {
        String hash = SpecHash.of(m);
        String nextName = Ownership.replacementName(m.name(), hash.substring(0, 8));
        ObservedContainer real = found.stream().filter(c -> c.name().equals(m.name())).findFirst().orElse(null);
        List<ObservedContainer> replacements = found.stream().filter(c -> c != real).toList();
        ObservedContainer next = replacements.stream()
                .filter(c -> c.name().equals(nextName) && hash.equals(c.specHash())).findFirst().orElse(null);
        return new Occupants(m, hash, nextName, found, real, replacements, next);
    }

    /** The manifest's name. */
    String name() {
        return manifest.name();
    }

    /** Whether {@code c} already runs the desired spec. */
    boolean current(ObservedContainer c) {
        return hash.equals(c.specHash());
    }
}
