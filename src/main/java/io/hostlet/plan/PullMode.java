package io.hostlet.plan;

/**
 * How a container create gets its image, decided by the planner from the manifest's {@code imagePullPolicy}, so
 * that the executor only follows it.
 */
public enum PullMode {
    /** Pull before creating ({@code Always}), and again if the engine still misses the image. */
    FIRST,
    /** Create at once; pull only when the engine says the image is missing ({@code IfNotPresent}). */
    IF_MISSING,
    /** Never pull: a missing image is the step's failure ({@code Never}). */
    NEVER
}
