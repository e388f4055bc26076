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

    // "ms" is tried before "m" so that 500ms is not read as 500 minutes followed by garbage.
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]{1,9}(?:ms|h|m|s))+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]{1,9})(ms|h|m|s)");

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

    /** {@code 10s}, {@code 500ms}, {@code 1m30s}, {@code 1h}: integers with units ms, s, m, h, summed. */
    static Duration duration(String text) {
        if (!DURATION.matcher(text).matches()) {
            return null;
        }
        Duration total = Duration.ZERO;
        Matcher m = DURATION_PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }
}
