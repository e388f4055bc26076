package io.hostlet.reconcile;

import org.jboss.logging.Logger;

import java.util.List;

/** Hands each pass's report to every listener in turn; none of them can stop the loop or the others. */
final class PassListeners implements PassListener {

    private static final Logger LOG = Logger.getLogger(PassListeners.class);

    private final List<PassListener> listeners;

    PassListeners(List<PassListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void passEnded(PassReport report) {
        for (PassListener l : listeners) {
            try {
                l.passEnded(report);
            } catch (RuntimeException e) {
                LOG.warnf(e, "pass listener %s failed on pass %d", l.getClass().getSimpleName(), report.number());
            }
        }
    }
}
