package io.hostlet.app;

import io.hostlet.config.HostletConfig;
import io.hostlet.engine.LogFollows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * The engine client for followed container output, apart from the loop's ({@link EngineProducer}): capped and bounded
 * by {@code hostlet.api.log-follows.*}, closed (every follow ended) when hostlet stops.
 */
@ApplicationScoped
public class LogFollowsProducer {

    @Produces
    @ApplicationScoped
    LogFollows logFollows(HostletConfig config) {
        return new LogFollows(EngineProducer.dockerHost(config), config.api().logFollows().max(),
                config.api().logFollows().maxDuration());
    }

    /** A cap below one would refuse every follow: stop at start instead, naming the key. */
    void checkAtStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ev, HostletConfig config) {
        if (config.api().logFollows().max() < 1) {
            throw new IllegalStateException("hostlet.api.log-follows.max must be at least 1, not "
                    + config.api().logFollows().max());
        }
        if (config.api().logFollows().maxDuration().isNegative() || config.api().logFollows().maxDuration().isZero()) {
            throw new IllegalStateException("hostlet.api.log-follows.max-duration must be positive");
        }
    }

    void close(@Disposes LogFollows follows) throws java.io.IOException {
        follows.close();
    }
}
