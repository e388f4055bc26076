package io.hostlet.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code GET /q/openapi}: the OpenAPI document of hostlet's HTTP API, YAML by default, JSON with
 * {@code ?format=json} or {@code Accept: application/json} (as Quarkus' OpenAPI endpoint answered).
 *
 * <p>The document is written at build time by the SmallRye OpenAPI Maven plugin, from the annotations of the
 * resources in this package (see pom.xml), and served byte for byte. Quarkus' OpenAPI extension scanned at build time
 * too, but in 3.33 it parsed, filtered and re-serialised the document at every start: about 0.6 s of a start on two
 * cores, 300 classes and 10 MB resident, for a document nobody may ever ask for.
 *
 * <p>Like health and metrics this is a route, not a JAX-RS resource, so it stays open when the API needs a token
 * ({@link ApiTokenFilter}): it describes endpoints and holds no container name or secret.
 */
@ApplicationScoped
public class OpenApiDocument {

    static final String YAML = "META-INF/openapi/openapi.yaml";
    static final String JSON = "META-INF/openapi/openapi.json";

    void routes(@Observes Router router) {
        router.get("/q/openapi").handler(this::serve);
    }

    private void serve(RoutingContext rc) {
        boolean asJson = wantsJson(rc.request().getParam("format"), rc.request().getHeader("Accept"));
        Optional<byte[]> body = asJson ? Documents.JSON_BYTES : Documents.YAML_BYTES;
        if (body.isEmpty()) {
            rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain;charset=UTF-8")
                    .end("this build carries no OpenAPI document (the Maven plugin did not run)\n");
            return;
        }
        rc.response().putHeader("Content-Type", (asJson ? "application/json" : "application/yaml") + ";charset=UTF-8")
                .end(Buffer.buffer(body.get()));
    }

    /** A {@code format} parameter decides; without one, an Accept header naming JSON does; YAML otherwise. */
    static boolean wantsJson(String format, String accept) {
        if (format != null && !format.isBlank()) {
            return format.trim().equalsIgnoreCase("json");
        }
        return accept != null && accept.toLowerCase().contains("application/json");
    }

    /** Both documents, read when the first request needs them (the JVM initialises this class then, once). */
    private static final class Documents {
        static final Optional<byte[]> YAML_BYTES = load(YAML);
        static final Optional<byte[]> JSON_BYTES = load(JSON);
    }

    /** A classpath resource of a few tens of kB, or empty when the build wrote none. */
    static Optional<byte[]> load(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
