package io.hostlet.imports;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compose's variable interpolation: {@code $$} is a literal {@code $}; {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}} / {@code ${VAR-default}}, {@code ${VAR:?error}} / {@code ${VAR?error}},
 * {@code ${VAR:+replacement}} / {@code ${VAR+replacement}} are resolved from the variables given (the import's
 * environment over the {@code .env} file beside the compose file), as {@code docker compose} resolves them. A
 * variable that is unset and has no default makes the key unconvertible ({@link Skip}) rather than silently empty:
 * compose would run with an empty value and warn. The names used are kept (never the values) so the person can be
 * told which values were written into the manifests.
 */
final class Interpolation {

    private final Map<String, String> variables;
    private final Set<String> used = new TreeSet<>();

    Interpolation(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The names of the variables resolved so far. */
    Set<String> used() {
        return used;
    }

    /** {@code text} with its variables resolved. */
    String resolve(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int end = closingBrace(text, i + 2);
                if (end < 0) {
                    throw new Skip("unclosed \"${\" in \"" + text + "\"");
                }
                out.append(braced(text.substring(i + 2, end)));
                i = end + 1;
            } else if (Character.isLetter(next) || next == '_') {
                int j = i + 1;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                    j++;
                }
                out.append(value(text.substring(i + 1, j)));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int closingBrace(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                depth++;
            } else if (text.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private String braced(String inner) {
        int j = 0;
        while (j < inner.length() && (Character.isLetterOrDigit(inner.charAt(j)) || inner.charAt(j) == '_')) {
            j++;
        }
        String name = inner.substring(0, j);
        if (name.isEmpty()) {
            throw new Skip("bad substitution \"${" + inner + "}\"");
        }
        String op = inner.substring(j);
        if (op.isEmpty()) {
            return value(name);
        }
        String set = variables.get(name);
        boolean colon = op.startsWith(":");
        String rest = colon ? op.substring(1) : op;
        if (rest.isEmpty()) {
            throw new Skip("bad substitution \"${" + inner + "}\"");
        }
        char kind = rest.charAt(0);
        String arg = rest.substring(1);
        boolean present = set != null && (!colon || !set.isEmpty());
        if (set != null) {
            used.add(name);
        }
        return switch (kind) {
            case '-' -> present ? set : resolve(arg);
            case '?' -> {
                if (!present) {
                    throw new Skip("variable " + name + " is required" + (arg.isEmpty() ? "" : ": " + arg));
                }
                yield set;
            }
            case '+' -> present ? resolve(arg) : "";
            default -> throw new Skip("bad substitution \"${" + inner + "}\"");
        };
    }

    private String value(String name) {
        String v = variables.get(name);
        if (v == null) {
            throw new Skip("variable " + name + " is not set and has no default");
        }
        used.add(name);
        return v;
    }
}
