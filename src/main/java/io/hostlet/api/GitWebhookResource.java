package io.hostlet.api;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.git.GitSource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;

/**
 * {@code POST /api/v1/git/webhook}: a push notification from GitHub, Gitea or GitLab (or any POST, when no secret
 * is set) makes the git source fetch at once. 202 when a fetch was requested or the push was for another branch,
 * 401 when the signature or token is wrong, 404 when hostlet does not follow a repository.
 */
@Path("/api/v1/git/webhook")
@Tag(name = "Git webhook")
public class GitWebhookResource {

    private final DesiredSource source;

    public GitWebhookResource(DesiredSource source) {
        this.source = source;
    }

    @POST
    @Operation(summary = "Ask the git source for a fetch now (GitHub, Gitea or GitLab push webhook)",
            description = "202 when accepted or ignored; 401 when a webhook secret is set and the signature or token"
                    + " does not match; 404 without hostlet.git.url.")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response hook(@Context HttpHeaders headers, byte[] body) {
        if (!(source instanceof GitSource git)) {
            return Response.status(Response.Status.NOT_FOUND)
                    .entity(Map.of("result", "not-found", "message", "hostlet is not configured with hostlet.git.url"))
                    .build();
        }
        GitSource.WebhookResult r = git.webhook(headers::getHeaderString, body == null ? new byte[0] : body);
        Response.Status status = switch (r.verdict()) {
            case ACCEPTED, IGNORED -> Response.Status.ACCEPTED;
            case UNAUTHORIZED -> Response.Status.UNAUTHORIZED;
        };
        return Response.status(status)
                .entity(Map.of("result", r.verdict().name().toLowerCase(java.util.Locale.ROOT), "message", r.message()))
                .build();
    }
}
