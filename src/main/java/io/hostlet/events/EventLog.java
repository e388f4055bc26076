package io.hostlet.events;

import io.hostlet.config.HostletConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last {@code hostlet.events.capacity} events, in order, each with a {@link Event#seq() seq} one higher than the
 * one before (the oldest fall off; seq never goes back, so a client that saw N asks for {@code since=N}). Every event
 * appended is also logged in one line (INFO, WARN for {@link Event#warning()}), so {@code journalctl -f} shows it.
 *
 * <p>Thread-safe: the loop appends, any number of HTTP threads read. Subscribers are told of each event on the
 * appending thread, in seq order, and must not block (the loop waits for them): the stream and the notifier only hand
 * it on to a queue of their own.
 */
@ApplicationScoped
public class EventLog {

    private static final Logger LOG = Logger.getLogger(EventLog.class);

    private final int capacity;
    private final ArrayDeque<Event> ring;
    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private long lastSeq;

    @Inject
    public EventLog(HostletConfig config) {
        this(config.events().capacity());
    }

    /** A log keeping the last {@code capacity} events (at least 1). */
    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("hostlet.events.capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Appends {@code e} with the next seq, logs it and tells the subscribers; returns it as appended. */
    public Event append(Event e) {
        Event stored;
        synchronized (this) {
            stored = e.withSeq(++lastSeq);
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(stored);
            // under the lock, so that every subscriber sees seqs in order whichever thread appends
            for (Consumer<Event> s : subscribers) {
                try {
                    s.accept(stored);
                } catch (RuntimeException ex) { // one broken subscriber must not starve the others or the loop
                    LOG.debugf(ex, "event subscriber failed on event %d", stored.seq());
                }
            }
        }
        if (stored.warning()) {
            LOG.warn(stored.line());
        } else {
            LOG.info(stored.line());
        }
        return stored;
    }

    /**
     * Events after seq {@code since} (0: all kept), about {@code name} when it is not null, oldest first. Events that
     * fell off the ring are gone: a client that was away too long gets what is left.
     */
    public synchronized List<Event> since(long since, String name) {
        List<Event> out = new ArrayList<>();
        for (Event e : ring) {
            if (e.seq() > since && (name == null || name.equals(e.name()))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The last {@code n} events about {@code name}, oldest first (for {@code GET /containers/{name}}). */
    public synchronized List<Event> recent(String name, int n) {
        ArrayDeque<Event> out = new ArrayDeque<>();
        var it = ring.descendingIterator();
        while (it.hasNext() && out.size() < n) {
            Event e = it.next();
            if (name.equals(e.name())) {
                out.addFirst(e);
            }
        }
        return List.copyOf(out);
    }

    /** The seq of the last event appended; 0 before the first. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** How many events the ring holds at most. */
    public int capacity() {
        return capacity;
    }

    /** Tells {@code s} of every event appended from now on, until the returned handle is run. */
    public Runnable subscribe(Consumer<Event> s) {
        return subscribe(lastSeq(), s);
    }

    /**
     * Tells {@code s} first of the kept events after seq {@code since}, then of every event appended from now on, until
     * the returned handle is run: in seq order, none missed and none twice between the replay and the live events (a
     * stream client's {@code Last-Event-ID}).
     */
    public synchronized Runnable subscribe(long since, Consumer<Event> s) {
        for (Event e : ring) {
            if (e.seq() > since) {
                s.accept(e);
            }
        }
        subscribers.add(s);
        return () -> subscribers.remove(s);
    }

    /** How many subscribers are attached (the stream's tests check that a closed client is let go). */
    public int subscribers() {
        return subscribers.size();
    }
}
