package io.hostlet.reconcile;

/**
 * The cost of one pass, for benchmarks and operators: wall time, CPU time of the reconcile thread
 * (executor threads not included), engine API calls made, and steps run.
 */
public record PassStats(double wallMillis, double cpuMillis, long apiCalls, int actions) {
}
