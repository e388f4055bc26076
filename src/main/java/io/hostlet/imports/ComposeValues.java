package io.hostlet.imports;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's value syntaxes, turned into hostlet's: byte sizes ({@code 1.5g}), Go durations ({@code 1m30s},
 * {@code 1.5s}), shell-split commands, names. Each parser throws {@link Skip} with the reason for text it does not
 * accept, so the caller reports the key.
 */
final class ComposeValues {

    /** docker/go-units RAMInBytes: 1024-based, unit letter optionally followed by b or ib, any case. */
    private static final Pattern BYTES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([kmgtp]?)(?:i?b)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|m|h)");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private ComposeValues() {
    }

    /** Bytes written as hostlet reads them: the largest binary unit that divides them exactly. */
    static String bytes(String text) {
        Matcher m = BYTES.matcher(text.trim());
        if (!m.matches()) {
            throw new Skip("expected a size like 512m or 1g, got \"" + text + "\"");
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            case "p" -> 1L << 50;
            default -> 1L;
        };
        long n;
        try {
            n = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValueExact();
        } catch (ArithmeticException e) {
            throw new Skip("the size \"" + text + "\" is not a whole number of bytes");
        }
        String[] names = {"Ti", "Gi", "Mi", "Ki"};
        long[] units = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < names.length; i++) {
            if (n >= units[i] && n % units[i] == 0) {
                return n / units[i] + names[i];
            }
        }
        return Long.toString(n);
    }

    /** A Go duration ({@code 1m30s}, {@code 1.5s}, {@code 300ms}) as hostlet reads it: whole hours, minutes, seconds or milliseconds. */
    static String duration(String text) {
        String t = text.trim();
        Matcher m = DURATION_PART.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            BigDecimal v = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
            long scale = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(v.multiply(BigDecimal.valueOf(scale)));
            at = m.end();
        }
        if (t.isEmpty() || at != t.length()) {
            // compose also takes a bare number of seconds for some keys; a plain integer is read that way
            if (t.matches("[0-9]{1,9}")) {
                return t + "s";
            }
            throw new Skip("expected a duration like 10s or 1m30s, got \"" + text + "\"");
        }
        BigDecimal millis = nanos.divide(BigDecimal.valueOf(1_000_000L));
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new Skip("the duration \"" + text + "\" is finer than a millisecond");
        }
        long ms = millis.longValueExact();
        if (ms > 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms > 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Splits a command string as compose does (POSIX shell words: quotes and backslashes, no expansion). */
    static List<String> shellSplit(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < text.length() && "\"\\$`\n".indexOf(text.charAt(i + 1)) >= 0) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new Skip("unbalanced quote in \"" + text + "\"");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Whether {@code name} is a DNS label, as hostlet names containers and networks. */
    static boolean dnsLabel(String name) {
        return DNS_LABEL.matcher(name).matches();
    }

    /** The nearest DNS label to {@code name}: lower case, {@code _} and {@code .} as {@code -}, others dropped. */
    static String toDnsLabel(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[_.]", "-").replaceAll("[^a-z0-9-]", "")
                .replaceAll("-+", "-").replaceAll("^-+", "");
        if (s.length() > 63) {
            s = s.substring(0, 63);
        }
        return s.replaceAll("-+$", "");
    }

    /** Compose's project name rule: lower case, only letters, digits, {@code -} and {@code _}. */
    static String projectName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "").replaceAll("^[_-]+", "");
    }

    /** YAML 1.1 and 1.2 booleans, as compose implementations accept them. */
    static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "on" -> true;
            case "false", "no", "n", "off" -> false;
            default -> throw new Skip("expected true or false, got \"" + text + "\"");
        };
    }
}
