package io.hostlet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The document the build wrote, and how {@code /q/openapi} picks its format. */
class OpenApiDocumentTest {

    @ParameterizedTest(name = "format={0}, Accept={1} -> json {2}")
    @CsvSource(nullValues = "-", value = {
            "-,    -,                         false",
            "json, -,                         true",
            "JSON, -,                         true",
            "yaml, -,                         false",
            "yaml, application/json,          false",
            "-,    application/json,          true",
            "-,    'text/html, application/json;q=0.9', true",
            "-,    application/yaml,          false",
            "' ',  application/json,          true",
    })
    void formatParameterDecidesThenAcceptThenYaml(String format, String accept, boolean json) {
        assertThat(OpenApiDocument.wantsJson(format, accept)).isEqualTo(json);
    }

    @Test
    void theBuildWroteBothFormatsWithEveryResourcePath() throws IOException {
        byte[] json = OpenApiDocument.load(OpenApiDocument.JSON).orElseThrow();
        byte[] yaml = OpenApiDocument.load(OpenApiDocument.YAML).orElseThrow();
        JsonNode doc = new ObjectMapper().readTree(json);
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("hostlet API");
        // Every JAX-RS resource of the package is in the document, so a new one cannot be left out silently.
        List<Class<?>> resources = resources();
        assertThat(resources).contains(StatusResource.class, PlanResource.class, ContainerResource.class);
        for (Class<?> resource : resources) {
            String path = resource.getAnnotation(Path.class).value();
            assertThat(doc.path("paths").fieldNames()).toIterable().as(resource.getSimpleName())
                    .anyMatch(p -> p.startsWith(path));
        }
        assertThat(doc.path("paths").path("/api/v1/plan").path("get").path("summary").asText()).isNotBlank();
        assertThat(new String(yaml, StandardCharsets.UTF_8)).contains("/api/v1/status:");
    }

    /** The classes of this package, as compiled, that carry {@code @Path}. */
    private static List<Class<?>> resources() throws IOException {
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Path.of(OpenApiDocument.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("io/hostlet/api");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> load("io.hostlet.api." + n.substring(0, n.length() - ".class".length())))
                    .filter(c -> c.isAnnotationPresent(Path.class))
                    .collect(Collectors.toList());
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, OpenApiDocumentTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMissingDocumentIsEmptyNotAnError() {
        assertThat(OpenApiDocument.load("META-INF/openapi/none.yaml")).isEmpty();
    }
}
