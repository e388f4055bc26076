package io.hostlet.doctor;

/** The Docker Engine API versions hostlet speaks: the floor it needs and the newest the test matrix runs. */
public final class EngineApi {

    /** Docker 20.10: the oldest engine the suite runs on; older ones lack fields hostlet reads. */
    public static final String FLOOR = "1.41";
    /** Docker 26.1: the newest engine of the test matrix. */
    public static final String TESTED = "1.45";

    private EngineApi() {
    }

    /** Compares API versions such as {@code 1.41} and {@code 1.9} numerically, part by part. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
