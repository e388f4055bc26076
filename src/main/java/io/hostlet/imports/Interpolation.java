package io.hostlet.imports;

import io.hostlet.manifest.Interpolator;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Interpolation of a compose file's values with hostlet's one copy of compose's rules ({@link Interpolator}), from
 * the variables given (the import's environment over the {@code .env} file beside the compose file). As compose
 * does, a variable that is unset and has no default becomes an empty string; its name is kept so the person is told
 * (compose warns too). The names used are kept (never the values) so the person can be told which values were
 * written into the manifests. A bad substitution or a required variable that is unset makes the key unconvertible
 * ({@link Skip}).
 */
final class Interpolation {

    private final Map<String, String> variables;
    private final Set<String> used = new TreeSet<>();
    private final Set<String> unset = new TreeSet<>();
    private final Interpolator.Variables lookup = new Interpolator.Variables() {
        @Override
        public String get(String name) {
            String v = variables.get(name);
            if (v != null) {
                used.add(name);
            }
            return v;
        }

        @Override
        public String unset(String name) {
            unset.add(name);
            return "";
        }
    };

    Interpolation(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The names of the variables resolved so far. */
    Set<String> used() {
        return used;
    }

    /** The names of the variables that were unset and had no default, written as empty strings. */
    Set<String> unset() {
        return unset;
    }

    /** The value of {@code name} (for a valueless {@code environment} entry), recorded as used; null when unset. */
    String variable(String name) {
        return lookup.get(name);
    }

    /** {@code text} with its variables resolved. */
    String resolve(String text) {
        try {
            return Interpolator.resolve(text, lookup);
        } catch (Interpolator.Failure f) {
            throw new Skip(f.getMessage());
        }
    }
}
