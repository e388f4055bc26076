package io.hostlet.manifest;

import java.util.function.Function;

/**
 * Compose's variable interpolation, the one copy of its rules in hostlet (the compose file and the {@code .env}
 * beside it both use it): {@code $$} is a literal {@code $}; {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}} / {@code ${VAR-default}}, {@code ${VAR:?error}} / {@code ${VAR?error}},
 * {@code ${VAR:+replacement}} / {@code ${VAR+replacement}}, defaults and replacements themselves interpolated.
 * What an unset variable without a default becomes is the caller's choice ({@link Variables#unset}): compose
 * substitutes an empty string.
 */
public final class Interpolator {

    /** Where the values come from. */
    public interface Variables {
        /** The value of {@code name}, or null when it is unset. */
        String get(String name);

        /** What {@code $name} becomes when it is unset and has no default; may throw {@link Failure}. */
        default String unset(String name) {
            return "";
        }
    }

    /** The text cannot be interpolated: a bad substitution, or a required variable that is unset. */
    public static final class Failure extends RuntimeException {
        public Failure(String message) {
            super(message, null, false, false);
        }
    }

    private Interpolator() {
    }

    /** {@code text} with its variables resolved from {@code variables}. */
    public static String resolve(String text, Variables variables) {
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
                    throw new Failure("unclosed \"${\" in \"" + text + "\"");
                }
                out.append(braced(text.substring(i + 2, end), variables));
                i = end + 1;
            } else if (nameChar(next) && !Character.isDigit(next)) {
                int j = i + 1;
                while (j < text.length() && nameChar(text.charAt(j))) {
                    j++;
                }
                out.append(value(text.substring(i + 1, j), variables));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Resolves with a lookup that has no opinion on unset variables (they become empty). */
    public static String resolve(String text, Function<String, String> lookup) {
        return resolve(text, (Variables) lookup::apply);
    }

    private static boolean nameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
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

    private static String braced(String inner, Variables variables) {
        int j = 0;
        while (j < inner.length() && nameChar(inner.charAt(j))) {
            j++;
        }
        String name = inner.substring(0, j);
        if (name.isEmpty()) {
            throw new Failure("bad substitution \"${" + inner + "}\"");
        }
        String op = inner.substring(j);
        if (op.isEmpty()) {
            return value(name, variables);
        }
        boolean colon = op.startsWith(":");
        String rest = colon ? op.substring(1) : op;
        if (rest.isEmpty()) {
            throw new Failure("bad substitution \"${" + inner + "}\"");
        }
        char kind = rest.charAt(0);
        String arg = rest.substring(1);
        String set = variables.get(name);
        boolean present = set != null && (!colon || !set.isEmpty());
        return switch (kind) {
            case '-' -> present ? set : resolve(arg, variables);
            case '?' -> {
                if (!present) {
                    throw new Failure("variable " + name + " is required" + (arg.isEmpty() ? "" : ": " + arg));
                }
                yield set;
            }
            case '+' -> present ? resolve(arg, variables) : "";
            default -> throw new Failure("bad substitution \"${" + inner + "}\"");
        };
    }

    private static String value(String name, Variables variables) {
        String v = variables.get(name);
        return v != null ? v : variables.unset(name);
    }
}
