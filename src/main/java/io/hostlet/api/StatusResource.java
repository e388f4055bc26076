package io.hostlet.api;

import io.hostlet.status.HostStatus;
import io.hostlet.lock.InstanceGate;
import io.hostlet.reconcile.LoopView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/v1/status}: what the last reconcile pass found, or why this hostlet does not act. */
@Path("/api/v1/status")
@Tag(name = "Status")
public class StatusResource {

    private final LoopView loop;
    private final InstanceGate gate;

    public StatusResource(LoopView loop, InstanceGate gate) {
        this.loop = loop;
        this.gate = gate;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What the last reconcile pass found",
            description = "Converged or why not, mode, containers with phase and restarts, images, manifest errors,"
                    + " the source's revision and the last pass's cost. Published once per pass.")
    public HostStatus status() {
        if (!gate.held()) {
            // Not acting: say why rather than show a status nobody is producing.
            return HostStatus.idle(gate.reason());
        }
        return loop.status();
    }
}
