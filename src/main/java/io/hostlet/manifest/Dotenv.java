package io.hostlet.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dotenv format of {@code envFrom} files, the subset compose and most tools agree on: {@code KEY=VALUE} lines,
 * {@code #} comment lines, blank lines, an optional {@code export } prefix, and values in single quotes (taken
 * literally), double quotes ({@code \n}, {@code \"} and {@code \\} escapes) or bare (trimmed; a {@code #} after a
 * space starts a comment). For {@code envFrom} files there is no interpolation: {@code $OTHER} stays as written.
 * A compose project's {@code .env} ({@link #parseCompose}) is read by the same rules plus compose's: bare and
 * double-quoted values are interpolated ({@link Interpolator}) from the environment, then from the lines above.
 * Errors name the line but never show it: it may hold a secret.
 */
public final class Dotenv {

    private static final Pattern LINE = Pattern.compile("\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*=(.*)");

    private Dotenv() {
    }

    /**
     * The variables, in file order (a name given twice keeps the later value), or the first error.
     *
     * @param values   the variables; empty when {@code error} is set
     * @param line     1-based line of the error; 0 when none
     * @param error    what is wrong with that line, without its content; null when the file is fine
     */
    public record Result(List<ContainerSpec.EnvVar> values, int line, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** Parses {@code text}, values taken literally (an {@code envFrom} file). */
    public static Result parse(String text) {
        return parse(text, null);
    }

    /**
     * Parses {@code text} as compose reads the {@code .env} of a project: {@code ${VAR}} in a bare or double-quoted
     * value is resolved from {@code environment} first, then from the lines above (an unset one is empty); a
     * single-quoted value is literal.
     */
    public static Result parseCompose(String text, Function<String, String> environment) {
        return parse(text, environment);
    }

    private static Result parse(String text, Function<String, String> environment) {
        List<ContainerSpec.EnvVar> out = new ArrayList<>();
        Map<String, String> above = new HashMap<>();
        Interpolator.Variables lookup = name -> {
            String v = environment.apply(name);
            return v != null ? v : above.get(name);
        };
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                return error(i, "expected KEY=VALUE (a name of letters, digits and '_', not starting with a digit)");
            }
            String raw = m.group(2).strip();
            String value;
            if (raw.startsWith("'")) {
                int end = raw.indexOf('\'', 1);
                if (end < 0 || !trailerOk(raw.substring(end + 1))) {
                    return error(i, end < 0 ? "unterminated single quote" : "unexpected text after the closing quote");
                }
                value = raw.substring(1, end);
            } else {
                String[] v = unquote(raw);
                if (v[1] != null) {
                    return error(i, v[1]);
                }
                value = v[0];
                if (environment != null) {
                    // compose interpolates bare and double-quoted values of a project's .env; never single-quoted
                    try {
                        value = Interpolator.resolve(value, lookup);
                    } catch (Interpolator.Failure f) {
                        // the message of a required variable is the file's own text; any other shows the value
                        return error(i, f.getMessage().startsWith("variable ") ? f.getMessage()
                                : "bad variable substitution");
                    }
                }
            }
            if (value.indexOf('\0') >= 0) {
                return error(i, "a value must not hold a NUL character");
            }
            String name = m.group(1);
            out.removeIf(v -> v.name().equals(name));
            out.add(new ContainerSpec.EnvVar(name, value));
            above.put(name, value);
        }
        return new Result(out, 0, null);
    }

    /** A double-quoted value unescaped, or a bare one without its comment: {value, null} or {null, error}. */
    private static String[] unquote(String raw) {
        if (!raw.startsWith("\"")) {
            int hash = raw.indexOf(" #");
            return new String[] {(hash < 0 ? raw : raw.substring(0, hash)).strip(), null};
        }
        StringBuilder b = new StringBuilder();
        for (int j = 1; j < raw.length(); j++) {
            char c = raw.charAt(j);
            if (c == '\\' && j + 1 < raw.length()) {
                char n = raw.charAt(++j);
                b.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else if (c == '"') {
                return trailerOk(raw.substring(j + 1)) ? new String[] {b.toString(), null}
                        : new String[] {null, "unexpected text after the closing quote"};
            } else {
                b.append(c);
            }
        }
        return new String[] {null, "unterminated double quote (values span one line)"};
    }

    private static boolean trailerOk(String rest) {
        String r = rest.strip();
        return r.isEmpty() || r.startsWith("#");
    }

    private static Result error(int index, String why) {
        return new Result(List.of(), index + 1, why);
    }
}
