package io.hostlet.events;

import io.hostlet.reconcile.PassListener;
import io.hostlet.reconcile.PassReport;
import jakarta.enterprise.context.ApplicationScoped;

/** Derives each pass's events ({@link EventDeriver}) and appends them to the {@link EventLog}. */
@ApplicationScoped
public class PassEvents implements PassListener {

    private final EventLog log;
    private final EventDeriver deriver = new EventDeriver();

    public PassEvents(EventLog log) {
        this.log = log;
    }

    @Override
    public void passEnded(PassReport report) {
        deriver.next(report).forEach(log::append);
    }
}
