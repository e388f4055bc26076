package io.hostlet.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The one place hostlet reads the system clock: everything else that needs the time gets this {@link Clock}
 * injected (or passed down), so that tests can give a fixed or moving one. Checked by {@code BoundariesTest}.
 */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
