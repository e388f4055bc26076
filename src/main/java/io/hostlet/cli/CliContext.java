package io.hostlet.cli;

import java.time.Clock;
import java.util.Map;

/**
 * What the commands take from the process around them, given rather than read so tests can set it.
 *
 * @param clock the time, for ages
 * @param env   the environment ({@code HOSTLET_SERVER}, {@code HOSTLET_TOKEN_FILE})
 */
public record CliContext(Clock clock, Map<String, String> env) {
    public CliContext {
        env = Map.copyOf(env);
    }
}
