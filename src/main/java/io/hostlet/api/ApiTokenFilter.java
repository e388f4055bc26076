package io.hostlet.api;

import io.hostlet.config.HostletConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * With {@code hostlet.api.token-file} set, every resource under {@code /api/v1} answers 401 (with
 * {@code WWW-Authenticate: Bearer}) unless the request carries {@code Authorization: Bearer <token>}. One exception:
 * the git webhook when it has a secret of its own ({@code hostlet.git.webhook-secret[-file]}), since git hosts sign
 * their requests but cannot send a bearer token. An unsigned webhook needs the token like everything else.
 *
 * <p>The check runs after matching, on the resource class that will answer (not on a path string that could be
 * spelled several ways). Health, metrics, build info and the OpenAPI document ({@code /q/health/...},
 * {@code /q/metrics}, {@code /q/info}, {@code /q/openapi}) are not JAX-RS resources and stay open on purpose: probes
 * and scrapers carry no credential, and these hold counts, versions and the API's shape, never a container name or a
 * secret (MetricsIT and ApiSafetyIT check both). The token
 * file is read at start (a missing or empty file stops hostlet) and at every request, so it can be rotated.
 */
@Singleton
public class ApiTokenFilter {

    private static final Logger LOG = Logger.getLogger(ApiTokenFilter.class);

    private final Provider<HostletConfig> config;
    private volatile Settings settings;
    private volatile boolean unavailableLogged;

    private record Settings(Optional<Path> tokenFile, boolean webhookSigned) {
    }

    /** Through a provider: REST filters are built before runtime configuration exists. */
    public ApiTokenFilter(Provider<HostletConfig> config) {
        this.config = config;
    }

    private Settings settings() {
        Settings s = settings;
        if (s == null) {
            HostletConfig c = config.get();
            s = new Settings(c.api().tokenFile(),
                    c.git().webhookSecret().isPresent() || c.git().webhookSecretFile().isPresent());
            settings = s;
        }
        return s;
    }

    /** A token file that is configured but unusable stops hostlet at start, rather than locking everyone out later. */
    void checkAtStart(@Observes StartupEvent ev) {
        Settings s = settings();
        s.tokenFile().ifPresent(f -> {
            ApiToken.read(f);
            LOG.infof("API under /api/v1 needs the bearer token in %s%s", f,
                    s.webhookSigned() ? " (the signed git webhook excepted)" : "");
        });
    }

    @ServerRequestFilter
    public Response guard(ContainerRequestContext request, SimpleResourceInfo resource) {
        Optional<Path> tokenFile = settings().tokenFile();
        if (tokenFile.isEmpty()) {
            return null;
        }
        if (settings().webhookSigned() && resource != null && resource.getResourceClass() == GitWebhookResource.class) {
            return null; // its own signature check decides
        }
        ApiToken.Verdict v = ApiToken.check(tokenFile.get(), request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (v == ApiToken.Verdict.GRANTED) {
            unavailableLogged = false;
            return null;
        }
        if (v == ApiToken.Verdict.UNAVAILABLE && !unavailableLogged) {
            unavailableLogged = true;
            LOG.warnf("hostlet.api.token-file %s cannot be read or is empty: every API request is refused",
                    tokenFile.get());
        }
        String challenge = v == ApiToken.Verdict.WRONG ? "Bearer realm=\"hostlet\", error=\"invalid_token\""
                : "Bearer realm=\"hostlet\"";
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("result", "unauthorized", "message", v == ApiToken.Verdict.UNAVAILABLE
                        ? "the API token cannot be read on the server" : "a bearer token is required"))
                .build();
    }
}
