package io.hostlet.export;

import java.math.BigDecimal;

/** Numbers written the way each target reads them. */
final class Units {

    private Units() {
    }

    /** CPUs as a plain decimal ({@code 0.25}), never in exponent notation. */
    static String cpus(double cpus) {
        return BigDecimal.valueOf(cpus).stripTrailingZeros().toPlainString();
    }

    /** Bytes for a compose file: the largest of {@code g m k} that divides them exactly, else plain bytes. */
    static String composeBytes(long bytes) {
        String[] units = {"g", "m", "k"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (3 - i));
            if (bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** Bytes as a Kubernetes quantity: the largest of {@code Ti Gi Mi Ki} that divides them exactly, else bytes. */
    static String quantityBytes(long bytes) {
        String[] units = {"Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (4 - i));
            if (bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** CPUs as a Kubernetes quantity in millicores ({@code 250m}), rounded up to one millicore. */
    static String quantityCpus(double cpus) {
        long milli = (long) Math.ceil(cpus * 1000 - 1e-9);
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m";
    }

    /** Whole seconds, rounded up, at least {@code min}: Kubernetes probe and grace fields are integral. */
    static int seconds(java.time.Duration d, int min) {
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.max(min, s);
    }
}
