package io.hostlet.api;

import io.hostlet.config.HostletConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Applies {@link RequestGuard} to every HTTP request hostlet serves (the API, health, metrics, the status page),
 * before any route: a {@code Host} it does not serve or a cross-site request that would change something gets 403 with
 * a one-line reason, as JSON.
 *
 * <p>A Vert.x filter rather than a JAX-RS one: DNS rebinding reads {@code /q/health/*} and the status page as well,
 * which are not resources. The address hostlet listens on ({@code quarkus.http.host}) is served too when it is one
 * address (not {@code 0.0.0.0} or {@code ::}), so {@code curl http://192.168.1.5:8799} works where hostlet listens on it.
 */
@ApplicationScoped
public class HostOriginFilter {

    private static final Logger LOG = Logger.getLogger(HostOriginFilter.class);
    /** Above Quarkus' own filters (CORS is 300): refused requests reach nothing else. */
    private static final int PRIORITY = 10_000;

    private final RequestGuard guard;
    private volatile boolean refusalLogged;

    public HostOriginFilter(HostletConfig config) {
        List<String> extra = new ArrayList<>(config.api().allowedHosts().orElse(List.of()));
        ConfigProvider.getConfig().getOptionalValue("quarkus.http.host", String.class)
                .filter(h -> !Set.of("0.0.0.0", "::", "[::]").contains(h.strip()))
                .ifPresent(extra::add);
        this.guard = new RequestGuard(extra);
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    private void filter(RoutingContext rc) {
        HttpServerRequest r = rc.request();
        RequestGuard.Verdict v = guard.check(r.method().name(), host(r), r.getHeader("Origin"),
                r.getHeader("Sec-Fetch-Site"));
        if (v.allowed()) {
            rc.next();
            return;
        }
        if (!refusalLogged) { // once: a page retrying in a loop must not fill the log
            refusalLogged = true;
            LOG.warnf("refused a %s request to %s: %s (further refusals are not logged)", r.method(), r.path(),
                    v.reason());
        }
        rc.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"" + v.reason() + "\"}\n");
    }

    /** The Host header; over HTTP/2, which has none, the {@code :authority}. */
    private static String host(HttpServerRequest r) {
        String h = r.getHeader("Host");
        if (h != null) {
            return h;
        }
        HostAndPort a = r.authority();
        return a == null ? null : a.port() < 0 ? a.host() : a.host() + ":" + a.port();
    }
}
