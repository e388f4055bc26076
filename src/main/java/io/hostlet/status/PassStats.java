package io.hostlet.status;

/**
 * The cost of one pass, for benchmarks and operators: wall time, CPU time of the reconcile thread
 * (executor threads not included), engine API calls made, steps run, and whether it listed the engine
 * ({@code false}: nothing could have changed since the last listing, which it reused).
 *
 * <p>{@code number} counts passes since start (1 for the first; a pass that found the engine unreachable counts too,
 * listing nothing and acting on nothing) and never goes back: a client that saw pass N and
 * waits for pass N + 2 knows that a whole pass began after it looked (tests wait for passes this way, not for time).
 */
public record PassStats(long number, double wallMillis, double cpuMillis, long apiCalls, int actions, boolean listed) {
}
