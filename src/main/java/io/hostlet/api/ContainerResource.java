package io.hostlet.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostlet.desired.DesiredState;
import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.engine.LogFollows;
import io.hostlet.events.Event;
import io.hostlet.events.EventLog;
import io.hostlet.lock.InstanceGate;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.HealthCheck;
import io.hostlet.manifest.ManifestError;
import io.hostlet.observed.ContainerDetails;
import io.hostlet.reconcile.PassReport;
import io.hostlet.reconcile.LoopView;
import io.hostlet.status.ContainerStatus;
import io.hostlet.status.HostStatus;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/containers/{name}} (one container: desired spec with secrets redacted, observed state, phase,
 * restarts, last exit, errors of its file) and {@code GET /api/v1/containers/{name}/logs} (its output, for containers
 * hostlet manages only). The details are the last pass's status plus one inspect made for the request.
 */
@Path("/api/v1/containers/{name}")
@Tag(name = "Containers")
public class ContainerResource {

    /** How many of a container's latest events its view shows; {@code /api/v1/events?name=} has them all. */
    static final int RECENT_EVENTS = 20;

    /** Lines of output when the request names no {@code tail}. */
    static final int DEFAULT_TAIL = 100;
    /** The most lines one request may ask for. */
    static final int MAX_TAIL = 10_000;

    private final LoopView loop;
    private final InstanceGate gate;
    private final Engine engine;
    private final EventLog events;
    private final LogFollows follows;

    public ContainerResource(LoopView loop, InstanceGate gate, Engine engine, EventLog events, LogFollows follows) {
        this.events = events;
        this.follows = follows;
        this.loop = loop;
        this.gate = gate;
        this.engine = engine;
    }

    /**
     * One container.
     *
     * @param restarts  hostlet's restarts plus the engine's restart count (as kubectl's RESTARTS)
     * @param lastExit  how its last run ended; null when it has not exited
     * @param spec      the desired spec with every env value, command, args and health check command shown as
     *                  {@code <redacted>} (what the spec label digests); null when no manifest wants it
     * @param observed  the engine's view (one inspect now); null when there is no container
     * @param events    its recent events (at most {@value #RECENT_EVENTS}), newest last
     * @param errors    the manifest errors of its file
     * @param rolledBack the spec it refused after a failed update (hash, reason, when, the commit with a git source);
     *                  only in phase {@code RolledBack}, as in the status
     */
    public record ContainerView(String name, String phase, String health, int restarts, LastExit lastExit,
                                String message,
                                @JsonInclude(JsonInclude.Include.NON_NULL) ContainerStatus.RolledBack rolledBack,
                                String source, String revision, String image, String containerId,
                                Instant createdAt, Instant startedAt, ContainerSpec spec, ContainerDetails observed,
                                List<Event> events, List<ManifestError> errors) {
    }

    /** How the last run ended; {@code code} is null while it runs again (the engine resets it at start). */
    public record LastExit(Integer code, Instant at, boolean oomKilled) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One container: desired spec (secrets redacted), observed state, phase, restarts, last exit")
    @APIResponse(responseCode = "200", description = "The container",
            content = @Content(schema = @Schema(implementation = ContainerView.class)))
    @APIResponse(responseCode = "404", description = "No manifest wants it and hostlet manages no container of that name")
    @APIResponse(responseCode = "503", description = "hostlet does not run its loop (another holds the instance lock)")
    public Response container(@PathParam("name") String name) {
        if (!gate.held()) {
            return error(Response.Status.SERVICE_UNAVAILABLE, gate.reason());
        }
        HostStatus status = loop.status();
        ContainerStatus entry = status.containers().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElse(null);
        PassReport report = loop.lastReport();
        DesiredState desired = report == null ? null : report.desired();
        ContainerManifest m = desired == null ? null : desired.containers().get(name);
        if (entry == null && m == null) {
            return notFound(name);
        }
        ContainerDetails details = null;
        String id = entry == null ? null : entry.containerId();
        if (id != null) {
            try {
                details = engine.inspect(id);
            } catch (EngineException e) {
                details = null; // gone since the last pass, or the engine does not answer: the status still tells
            }
        }
        String file = m != null ? m.source().file() : entry.source();
        List<ManifestError> errors = status.manifestErrors().stream().filter(e -> e.file().equals(file)).toList();
        LastExit lastExit = details == null || details.finishedAt() == null ? null
                : new LastExit(details.exitCode(), details.finishedAt(), details.oomKilled());
        int restarts = entry == null ? 0 : entry.restarts();
        return Response.ok(new ContainerView(name,
                entry == null ? null : entry.phase().name(),
                entry == null ? null : entry.health(),
                restarts, lastExit,
                entry == null ? null : entry.message(),
                entry == null ? null : entry.rolledBack(),
                file,
                entry == null ? null : entry.revision(),
                m != null ? m.spec().image() : entry.image(),
                id,
                details == null ? null : details.createdAt(),
                details == null ? null : details.startedAt(),
                m == null ? null : redacted(m.spec()),
                details,
                events.recent(name, RECENT_EVENTS),
                errors)).build();
    }

    @GET
    @Path("/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A managed container's output (stdout and stderr)",
            description = "The last `tail` lines; with follow=true, then whatever it prints, until the container stops,"
                    + " the client goes away or hostlet.api.log-follows.max-duration (1 h) has passed.")
    @APIResponse(responseCode = "200", description = "Its output, as text")
    @APIResponse(responseCode = "400", description = "tail is not between 0 and 10000")
    @APIResponse(responseCode = "404", description = "hostlet manages no container of that name")
    @APIResponse(responseCode = "429", description = "follow=true while hostlet.api.log-follows.max (8) follows are open")
    public Response logs(@PathParam("name") String name,
                         @Parameter(description = "lines from the end, 0 to 10000") @QueryParam("tail")
                         @DefaultValue("100") int tail,
                         @Parameter(description = "keep streaming") @QueryParam("follow") @DefaultValue("false")
                         boolean follow,
                         @Context RoutingContext http) {
        if (!gate.held()) {
            return error(Response.Status.SERVICE_UNAVAILABLE, gate.reason());
        }
        if (tail < 0 || tail > MAX_TAIL) {
            return error(Response.Status.BAD_REQUEST, "tail must be between 0 and " + MAX_TAIL);
        }
        // Only a container the last pass saw as hostlet's: never another container's output by name.
        String id = loop.status().containers().stream().filter(c -> c.name().equals(name))
                .map(ContainerStatus::containerId).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (id == null) {
            return notFound(name);
        }
        if (follow) {
            return follow(id, tail, http);
        }
        StreamingOutput out = os -> {
            try {
                engine.logs(id, tail, os);
            } catch (EngineException e) {
                os.write(("hostlet: " + e.getMessage() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // the client went away: nothing to answer
            }
        };
        return Response.ok(out, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }

    /**
     * A follow on the follows' own engine client, at most {@code hostlet.api.log-follows.max} at once: ended when the
     * HTTP client goes away (the connection's close, not the next line the container prints), at its time bound, or
     * when hostlet stops.
     */
    private Response follow(String id, int tail, RoutingContext http) {
        LogFollows.Follow f = follows.open().orElse(null);
        if (f == null) {
            return Response.status(429).type(MediaType.APPLICATION_JSON).header("Retry-After", "10")
                    .entity(Map.of("error", follows.max() + " log follows are open, the most hostlet.api.log-follows.max"
                            + " allows: end one, or ask without follow")).build();
        }
        http.addEndHandler(done -> f.close()); // the response ended or its connection closed: free the slot now
        IdleTimeout.lift(http); // a quiet container sends nothing for long; the follow's own bound applies instead
        StreamingOutput out = os -> {
            try (f) {
                if (f.stream(id, tail, os) == LogFollows.End.BOUND) {
                    os.write(("hostlet: this follow ended after " + follows.maxDuration()
                            + " (hostlet.api.log-follows.max-duration); ask again to go on\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (EngineException e) {
                os.write(("hostlet: " + e.getMessage() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // the client went away: nothing to answer
            }
        };
        return Response.ok(out, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }

    /**
     * The spec with what may be secret replaced by {@code <redacted>}: every env value, and each item of
     * {@code command}, {@code args} and an exec health check (they often carry tokens), as the spec label digests
     * them. Names, images, ports, volumes and the rest are shown.
     */
    static ContainerSpec redacted(ContainerSpec s) {
        HealthCheck h = s.healthcheck();
        HealthCheck hc = h == null || h.exec() == null ? h
                : new HealthCheck(hidden(h.exec()), h.http(), h.interval(), h.timeout(), h.retries(), h.startPeriod());
        // Runtime, suspend and update are left at their defaults here, as this view has always shown them.
        return ContainerSpec.builder(s.image()).imagePullPolicy(s.imagePullPolicy()).command(hidden(s.command()))
                .args(hidden(s.args())).workingDir(s.workingDir()).user(s.user())
                .env(s.env().stream().map(e -> new ContainerSpec.EnvVar(e.name(), REDACTED)).toList())
                .ports(s.ports()).volumes(s.volumes()).networks(s.networks()).restartPolicy(s.restartPolicy())
                .resources(s.resources()).stopGracePeriod(s.stopGracePeriod()).healthcheck(hc)
                .restartOnUnhealthy(s.restartOnUnhealthy()).dependsOn(s.dependsOn())
                .sources(s.sources()) // each content shows as <redacted>
                .build();
    }

    static final String REDACTED = "<redacted>";

    private static List<String> hidden(List<String> items) {
        return items.stream().map(i -> REDACTED).toList();
    }

    /** What {@code POST .../retry} answers: the container and what was asked. */
    public record RetryAnswer(String name, String result, String failedSpecHash) {
    }

    @POST
    @Path("/retry")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Try the spec refused after a rollback again (the next pass plans its update afresh)")
    @APIResponse(responseCode = "202", description = "The retry is asked for; the next pass (requested now) makes it",
            content = @Content(schema = @Schema(implementation = RetryAnswer.class)))
    @APIResponse(responseCode = "404", description = "No manifest wants it and hostlet manages no container of that name")
    @APIResponse(responseCode = "409", description = "It is not rolled back: there is nothing to retry")
    @APIResponse(responseCode = "503", description = "hostlet does not run its loop (another holds the instance lock)")
    public Response retry(@PathParam("name") String name) {
        if (!gate.held()) {
            return error(Response.Status.SERVICE_UNAVAILABLE, gate.reason());
        }
        ContainerStatus entry = loop.status().containers().stream().filter(c -> c.name().equals(name))
                .findFirst().orElse(null);
        if (entry == null) {
            return notFound(name);
        }
        if (entry.rolledBack() == null) {
            return error(Response.Status.CONFLICT, name + " is not rolled back (phase " + entry.phase()
                    + "): there is nothing to retry");
        }
        loop.retry(name);
        return Response.status(Response.Status.ACCEPTED).type(MediaType.APPLICATION_JSON)
                .entity(new RetryAnswer(name, "retry asked for: the next pass tries spec "
                        + entry.rolledBack().failedSpecHash() + " again", entry.rolledBack().failedSpecHash())).build();
    }

    private static Response notFound(String name) {
        return error(Response.Status.NOT_FOUND, "no container named " + name
                + " is desired or managed by this hostlet");
    }

    private static Response error(Response.Status status, String why) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", why)).build();
    }
}
