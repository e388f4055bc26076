package io.hostlet.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostlet.config.HostletConfig;
import io.hostlet.events.Event;
import io.hostlet.events.EventLog;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/events}: what happened lately (see {@link EventLog}), and {@code GET /api/v1/events/stream}: the
 * same as Server-Sent Events, live. Both behind the API token like everything under {@code /api/v1}.
 */
@Path("/api/v1/events")
@ApplicationScoped
@Tag(name = "Events")
public class EventsResource {

    /** Events a slow stream client may fall behind by before its stream is ended (it reconnects with Last-Event-ID). */
    static final int STREAM_BUFFER = 1000;

    private final EventLog log;
    private final ObjectMapper json;
    private final long keepAliveMillis;
    /** One thread for every stream's keep-alive comments: they are tiny and rare. */
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hostlet-sse-keepalive");
        t.setDaemon(true);
        return t;
    });

    public EventsResource(EventLog log, ObjectMapper json, HostletConfig config) {
        this.log = log;
        this.json = json;
        this.keepAliveMillis = Math.max(100, config.events().keepAlive().toMillis());
    }

    void onStop(@Observes ShutdownEvent ev) {
        keepAlive.shutdownNow();
    }

    /** The body of {@code GET /api/v1/events}. */
    public record Events(List<Event> events) {
    }

    /**
     * Kept events after seq {@code since} (default: all kept), about {@code name} when given, oldest first. A client
     * polls with the last seq it saw; the ring keeps {@code hostlet.events.capacity} events.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Kept events, oldest first",
            description = "After seq `since` (default: all kept), about container `name` when given.")
    public Events events(@QueryParam("name") String name, @QueryParam("since") @DefaultValue("0") long since) {
        return new Events(log.since(since, blankToNull(name)));
    }

    /**
     * Every event from now on as {@code id: <seq>}, {@code event: <kind>}, {@code data: <event JSON>}; with
     * {@code Last-Event-ID} (what a browser's EventSource sends when it reconnects) or {@code since}, the kept events
     * after that seq first. A comment line every {@code hostlet.events.keep-alive} keeps idle proxies from closing it.
     */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Every event from now on, as server-sent events",
            description = "id is the seq, event the kind, data the event's JSON. With Last-Event-ID or `since`, the"
                    + " kept events after that seq come first.")
    public Multi<OutboundSseEvent> stream(@HeaderParam("Last-Event-ID") String lastEventId,
                                          @QueryParam("since") Long since, @QueryParam("name") String name,
                                          @Context Sse sse) {
        long from = parseSeq(lastEventId, since);
        String only = blankToNull(name);
        return Multi.createFrom().<OutboundSseEvent>emitter(em -> {
            // A comment at once: the response (and its headers) goes out now, not with the first event.
            em.emit(sse.newEventBuilder().comment("hostlet events").build());
            // The emitter serialises emits from the loop's thread and the keep-alive thread.
            Runnable unsubscribe = log.subscribe(from, e -> {
                if (only == null || only.equals(e.name())) {
                    em.emit(sse.newEventBuilder().id(Long.toString(e.seq())).name(e.kind().wire())
                            .data(String.class, toJson(e)).build());
                }
            });
            ScheduledFuture<?> ticks = keepAlive.scheduleAtFixedRate(
                    () -> em.emit(sse.newEventBuilder().comment("keep-alive").build()),
                    keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
            em.onTermination(() -> { // the client went away (or fell too far behind): let go of it
                unsubscribe.run();
                ticks.cancel(false);
            });
        }, BackPressureStrategy.ERROR).onOverflow().buffer(STREAM_BUFFER);
    }

    private String toJson(Event e) {
        try {
            return json.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Last-Event-ID wins over {@code since}; anything unreadable means "from now on". */
    static long parseSeq(String lastEventId, Long since) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                return Math.max(0, Long.parseLong(lastEventId.trim()));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        return since != null ? Math.max(0, since) : Long.MAX_VALUE;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
