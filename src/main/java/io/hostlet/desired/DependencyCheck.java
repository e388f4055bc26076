package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.Dependency;
import io.hostlet.manifest.ManifestError;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks {@code spec.dependsOn} across the whole desired state, which no single file can: every name must be
 * defined by some manifest, and the dependencies must not form a cycle (a cycle would make each container wait
 * for the other forever). Errors point at the {@code dependsOn} entry, with file, line and column.
 */
final class DependencyCheck {

    /** The problems found and the files they are in. */
    record Result(List<ManifestError> errors, Set<String> files) {
        Result {
            errors = List.copyOf(errors);
            files = Set.copyOf(files);
        }
    }

    private DependencyCheck() {
    }

    /**
     * @param containers the manifests in force, by name
     * @param heldNames  names claimed twice: defined, though not applied, so a dependency on one is not "unknown"
     * @param rejected   names whose manifest was rejected, by file: a dependency on one is an error that says so
     */
    static Result check(Map<String, ContainerManifest> containers, Set<String> heldNames, Map<String, String> rejected) {
        List<ManifestError> errors = new ArrayList<>();
        Set<String> files = new TreeSet<>();
        Map<String, ContainerManifest> sorted = new TreeMap<>(containers);
        for (ContainerManifest m : sorted.values()) {
            for (int i = 0; i < m.spec().dependsOn().size(); i++) {
                Dependency d = m.spec().dependsOn().get(i);
                if (!containers.containsKey(d.name()) && !heldNames.contains(d.name())) {
                    String file = rejected.get(d.name());
                    errors.add(at(m, d, "spec.dependsOn[" + i + "].name: " + (file == null
                            ? "unknown container \"" + d.name() + "\" (no manifest defines it)"
                            : "container \"" + d.name() + "\" is not applied (" + file + " is invalid)")));
                    files.add(m.source().file());
                }
            }
        }
        for (ContainerManifest m : sorted.values()) {
            for (int i = 0; i < m.spec().dependsOn().size(); i++) {
                Dependency d = m.spec().dependsOn().get(i);
                List<String> path = pathBack(d.name(), m.name(), containers);
                if (path != null) {
                    errors.add(at(m, d, "spec.dependsOn[" + i + "].name: dependency cycle " + m.name() + " -> "
                            + String.join(" -> ", path)));
                    files.add(m.source().file());
                }
            }
        }
        return new Result(errors, files);
    }

    /** The shortest chain of dependencies from {@code from} back to {@code to}, both included; null when there is none. */
    private static List<String> pathBack(String from, String to, Map<String, ContainerManifest> containers) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(from);
        cameFrom.put(from, null);
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(to)) {
                List<String> path = new ArrayList<>();
                for (String at = n; at != null; at = cameFrom.get(at)) {
                    path.add(0, at);
                }
                return path;
            }
            ContainerManifest m = containers.get(n);
            if (m == null) {
                continue;
            }
            for (Dependency d : m.spec().dependsOn()) {
                if (!cameFrom.containsKey(d.name())) {
                    cameFrom.put(d.name(), n);
                    queue.add(d.name());
                }
            }
        }
        return null;
    }

    private static ManifestError at(ContainerManifest m, Dependency d, String message) {
        return new ManifestError(m.source().file(), d.line(), d.column(), message);
    }
}
