package io.hostlet.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dotenv format of {@code envFrom} files, the subset compose and most tools agree on: {@code KEY=VALUE} lines,
 * {@code #} comment lines, blank lines, an optional {@code export } prefix, and values in single quotes (taken
 * literally), double quotes ({@code \n}, {@code \"} and {@code \\} escapes) or bare (trimmed; a {@code #} after a
 * space starts a comment). No interpolation: {@code $OTHER} stays as written. Errors name the line but never show it:
 * it may hold a secret.
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

    /** Parses {@code text}. */
    public static Result parse(String text) {
        List<ContainerSpec.EnvVar> out = new ArrayList<>();
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
            } else if (raw.startsWith("\"")) {
                StringBuilder b = new StringBuilder();
                int j = 1;
                boolean closed = false;
                for (; j < raw.length(); j++) {
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
                        closed = true;
                        break;
                    } else {
                        b.append(c);
                    }
                }
                if (!closed || !trailerOk(raw.substring(j + 1))) {
                    return error(i, !closed ? "unterminated double quote (values span one line)"
                            : "unexpected text after the closing quote");
                }
                value = b.toString();
            } else {
                int hash = raw.indexOf(" #");
                value = (hash < 0 ? raw : raw.substring(0, hash)).strip();
            }
            if (value.indexOf('\0') >= 0) {
                return error(i, "a value must not hold a NUL character");
            }
            String name = m.group(1);
            out.removeIf(v -> v.name().equals(name));
            out.add(new ContainerSpec.EnvVar(name, value));
        }
        return new Result(out, 0, null);
    }

    private static boolean trailerOk(String rest) {
        String r = rest.strip();
        return r.isEmpty() || r.startsWith("#");
    }

    private static Result error(int index, String why) {
        return new Result(List.of(), index + 1, why);
    }
}
