package io.hostlet.policy;

/**
 * How much a manifest may ask of the host ({@code hostlet.policy.level}), after Kubernetes' Pod Security Standards.
 * Each level refuses what the one after it allows; {@link Rule} says which rules each level checks.
 */
public enum Level {
    /** Also insists on a hardened container: non-root, read-only root, no capabilities, no new privileges, a memory limit. */
    restricted,
    /** The default: refuses what gives a container the host (privileged, host namespaces, extra capabilities, devices,
     * sensitive bind mounts, unconfined profiles). */
    baseline,
    /** Checks nothing: every manifest may ask for anything. */
    privileged;

    /**
     * The level called {@code name} ({@code hostlet.policy.level}).
     *
     * @throws IllegalArgumentException naming the setting and the levels, when there is none
     */
    public static Level parse(String name) {
        for (Level l : values()) {
            if (l.name().equals(name.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("hostlet.policy.level: unknown level \"" + name
                + "\" (known: restricted, baseline, privileged)");
    }
}
