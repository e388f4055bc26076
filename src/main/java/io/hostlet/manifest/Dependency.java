package io.hostlet.manifest;

/**
 * One entry of {@code spec.dependsOn}: the container is created or started only while {@code name} is in the
 * state {@code condition} asks for, as the engine shows it. Where it was written ({@code line}, {@code column},
 * 1-based) is kept for errors found across manifests (unknown names, cycles).
 */
public record Dependency(String name, Condition condition, int line, int column) {

    /** What the dependency must be doing; spelled in manifests as written here. */
    public enum Condition {
        /** Running. */
        started,
        /** Running and its health check passes (a container with no health check at all: running). */
        healthy,
        /** Exited with code 0. */
        completed
    }

    /** How a wait for it reads in status: {@code db to be healthy}. */
    public String describe() {
        return name + " to " + switch (condition) {
            case started -> "be running";
            case healthy -> "be healthy";
            case completed -> "complete (exit 0)";
        };
    }
}
