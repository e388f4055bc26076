package io.hostlet.observed;

import java.util.HashMap;
import java.util.Map;

/**
 * The ownership labels. hostlet touches only objects that carry {@link #MANAGED} and its own
 * {@link #INSTANCE}; everything else on the engine is someone else's.
 */
public final class Labels {
    /** {@code true} on every container, network and volume hostlet creates. */
    public static final String MANAGED = "io.hostlet.managed";
    /** Which hostlet owns it, so that several hostlets (or test runs) can share one engine. */
    public static final String INSTANCE = "io.hostlet.instance";
    /** The manifest name. */
    public static final String NAME = "io.hostlet.name";
    /** Hash of the canonical spec: a different hash means the container must be recreated. */
    public static final String SPEC_HASH = "io.hostlet.spec-hash";
    /** The canonical spec itself, so a recreate can say which fields changed. */
    public static final String SPEC = "io.hostlet.spec";
    /** The manifest file, relative to the manifests folder. */
    public static final String SOURCE = "io.hostlet.source";
    /** The stop grace period in whole seconds, so that a container whose manifest is gone stops as it asked. */
    public static final String STOP_GRACE = "io.hostlet.stop-grace";
    /** The source revision (git commit) the container was created from; not part of the spec hash. */
    public static final String REVISION = "io.hostlet.revision";
    /**
     * The names the container depends on, comma-separated, as its manifest said when it was created (dependsOn is
     * not part of the spec hash, so this can be older than the manifest). Used to remove dependents first.
     */
    public static final String DEPENDS_ON = "io.hostlet.depends-on";
    /** Prefix that user labels may not use. */
    public static final String RESERVED_PREFIX = "io.hostlet.";

    private Labels() {
    }

    /** The labels that mark an object as owned by {@code instance}. */
    public static Map<String, String> ownership(String instance) {
        Map<String, String> m = new HashMap<>();
        m.put(MANAGED, "true");
        m.put(INSTANCE, instance);
        return m;
    }
}
