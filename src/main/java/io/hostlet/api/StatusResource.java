package io.hostlet.api;

import io.hostlet.status.HostStatus;
import io.hostlet.reconcile.Reconciler;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/status}: what the last reconcile pass found. */
@Path("/api/v1/status")
public class StatusResource {

    private final Reconciler reconciler;

    public StatusResource(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public HostStatus status() {
        return reconciler.status();
    }
}
