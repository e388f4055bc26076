package io.hostlet.manifest;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the unit-suffixed values in manifests; each returns null for text it does not accept. */
final class Quantities {

    private static final Pattern BYTES = Pattern.compile("([0-9]{1,19})(Ki|Mi|Gi|Ti|k|M|G|T)?");
    private static final Map<String, Long> BYTE_UNITS = Map.of(
            "Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "Ti", 1L << 40,
            "k", 1_000L, "M", 1_000_000L, "G", 1_000_000_000L, "T", 1_000_000_000_000L);

    private Quantities() {
    }

    /** {@code 268435456}, {@code 256Mi} (1024-based: Ki Mi Gi Ti) or {@code 256M} (1000-based: k M G T). */
    static Long bytes(String text) {
        Matcher m = BYTES.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            return m.group(2) == null ? n : Math.multiplyExact(n, BYTE_UNITS.get(m.group(2)));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * {@code 10s}, {@code 500ms}, {@code 1m30s}, {@code 1h}: integers (1-9 digits) with units ms, s, m, h, summed.
     * Scanned by hand in one pass: a regex repeating a group ({@code (?:[0-9]+(?:ms|h|m|s))+}) recurses once per
     * part in {@code java.util.regex}, so {@code 1m1m1m...} of a few KB overflowed the reconcile thread's stack.
     */
    static Duration duration(String text) {
        int n = text.length();
        if (n == 0) {
            return null;
        }
        Duration total = Duration.ZERO;
        int i = 0;
        try {
            while (i < n) {
                int digitsStart = i;
                long value = 0;
                while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                    value = value * 10 + (text.charAt(i) - '0');
                    i++;
                    if (i - digitsStart > 9) {
                        return null;
                    }
                }
                if (i == digitsStart || i == n) {
                    return null;
                }
                char unit = text.charAt(i++);
                // "ms" before "m": 500ms is 500 milliseconds, not 500 minutes followed by garbage.
                if (unit == 'm' && i < n && text.charAt(i) == 's') {
                    i++;
                    total = total.plusMillis(value);
                } else if (unit == 'm') {
                    total = total.plusMinutes(value);
                } else if (unit == 's') {
                    total = total.plusSeconds(value);
                } else if (unit == 'h') {
                    total = total.plusHours(value);
                } else {
                    return null;
                }
            }
        } catch (ArithmeticException e) {
            return null; // a sum beyond Duration's range is no duration anyone meant
        }
        return total;
    }
}
