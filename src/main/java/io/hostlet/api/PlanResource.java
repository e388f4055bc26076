package io.hostlet.api;

import io.hostlet.lock.InstanceGate;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import io.hostlet.reconcile.PlanPreview;
import io.hostlet.reconcile.LoopView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /api/v1/plan}: the steps the next pass would take, with their causes, as data and as the rendered text
 * the planner's tests use. Planned by the loop between passes (see {@link LoopView#previewNextPass()}): it reads the
 * manifests and may list the engine, but executes nothing and records nothing.
 */
@Path("/api/v1/plan")
@Tag(name = "Plan")
public class PlanResource {

    /** How long a request waits for the loop, which serves it once the pass it may be running has ended. */
    static final long WAIT_SECONDS = 60;

    private final LoopView loop;
    private final InstanceGate gate;

    public PlanResource(LoopView loop, InstanceGate gate) {
        this.loop = loop;
        this.gate = gate;
    }

    /**
     * The plan as the API shows it.
     *
     * @param pass  the number of the last pass that had finished when it was planned
     * @param mode  {@code act}, or {@code observe} when hostlet only plans
     * @param at    when it was planned
     * @param steps every step in order, notes ({@code wait}, {@code hold}) included
     * @param text  {@link Plan#render()}: one line per step, {@code #1 container:web, CreateContainer, not found}
     */
    public record PlanView(long pass, String mode, Instant at, List<StepView> steps, String text) {

        static PlanView of(PlanPreview p) {
            List<StepView> steps = new ArrayList<>();
            for (Plan.Phase phase : p.plan().phases()) {
                for (Step s : phase.steps()) {
                    steps.add(new StepView(phase.kind().name(), verb(s), s.action(), s.target().toString(),
                            s.target().name(), s.cause(), s.isAction()));
                }
            }
            return new PlanView(p.afterPass(), p.mode(), p.at(), steps, p.plan().render());
        }
    }

    /**
     * One step.
     *
     * @param phase  the plan phase it runs in ({@code CREATE_NETWORKS}, {@code PULL_IMAGES}, {@code CONTAINERS}, ...)
     * @param action what it does: {@code create}, {@code recreate}, {@code start}, {@code restart}, {@code remove},
     *               {@code pull}, {@code resume}, {@code adopt}; {@code wait} and {@code hold} for notes
     * @param step   the step's kind as the rendered text shows it ({@code CreateContainer})
     * @param target what it acts on, {@code kind:name} ({@code container:web})
     * @param name   the container, network or image name
     * @param cause  why
     * @param acts   whether the step acts (false for notes: waiting, backing off, a held removal)
     */
    public record StepView(String phase, String action, String step, String target, String name, String cause,
                           boolean acts) {
    }

    /** Short verbs for the step kinds; the target's kind says what sort of object. */
    private static final Map<String, String> VERBS = Map.ofEntries(
            Map.entry("CreateNetwork", "create"), Map.entry("CreateContainer", "create"),
            Map.entry("RecreateContainer", "recreate"), Map.entry("ResumeReplacement", "resume"),
            Map.entry("AdoptReplacement", "adopt"), Map.entry("StartContainer", "start"),
            Map.entry("RestartContainer", "restart"), Map.entry("PullImage", "pull"),
            Map.entry("RemoveContainer", "remove"), Map.entry("RemoveImage", "remove"),
            Map.entry("RemoveNetwork", "remove"), Map.entry("HoldRemoval", "hold"), Map.entry("Wait", "wait"));

    static String verb(Step s) {
        return VERBS.getOrDefault(s.action(), s.action().toLowerCase());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What the next pass would do",
            description = "The steps the next reconcile pass would take, with causes, planned now from the manifests "
                    + "and the engine without acting or recording anything. May make engine calls (a listing).")
    @APIResponse(responseCode = "200", description = "The plan",
            content = @Content(schema = @Schema(implementation = PlanView.class)))
    @APIResponse(responseCode = "503", description = "hostlet does not run its loop (another holds the instance lock),"
            + " the engine did not answer, or the loop stayed busy")
    public Response plan() throws InterruptedException {
        if (!gate.held()) {
            return unavailable(gate.reason());
        }
        try {
            PlanPreview p = loop.previewNextPass().get(WAIT_SECONDS, TimeUnit.SECONDS);
            return Response.ok(PlanView.of(p)).build();
        } catch (ExecutionException e) {
            return unavailable("could not plan: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return unavailable("the reconcile loop did not get to it within " + WAIT_SECONDS + " s (a long pass);"
                    + " try again");
        }
    }

    private static Response unavailable(String why) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", why)).build();
    }
}
