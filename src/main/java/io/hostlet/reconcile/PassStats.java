package io.hostlet.reconcile;

/**
 * The cost of one pass, for benchmarks and operators: wall time, CPU time of the reconcile thread
 * (executor threads not included), engine API calls made, steps run, and whether it listed the engine
 * ({@code false}: nothing could have changed since the last listing, which it reused).
 */
public record PassStats(double wallMillis, double cpuMillis, long apiCalls, int actions, boolean listed) {
}
