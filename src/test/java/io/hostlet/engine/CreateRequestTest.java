package io.hostlet.engine;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import io.hostlet.observed.AnonymousVolume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec to create-request mapping against golden files (src/test/resources/create-requests): the manifest
 * {@code NAME.yaml} becomes the body {@code NAME[-variant].json} of {@code POST /containers/create}, serialized by
 * docker-java's own object mapper, as it goes on the wire (less its nulls, which the engine reads as absent: docker-java
 * writes every field it knows). A changed mapping fails here with the whole difference;
 * {@code -Dcreate-requests.write=true} rewrites the files, for a change meant (review the diff).
 */
class CreateRequestTest {

    private static final Map<String, String> LABELS = Map.of("io.hostlet.managed", "true", "io.hostlet.instance", "default",
            "io.hostlet.name", "web", "io.hostlet.spec-hash", "0123abcd");
    private static final ObjectMapper WIRE = DefaultDockerClientConfig.createDefaultConfigBuilder().build().getObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static ContainerManifest manifest(String file) throws IOException {
        try (InputStream in = CreateRequestTest.class.getResourceAsStream("/create-requests/" + file)) {
            ParseResult r = ManifestParser.parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(r.errors()).as(file).isEmpty();
            return r.manifests().get(0);
        }
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "minimal.yaml, minimal.json, once, false, true",
        "web.yaml, web.json, web, false, true",
        "web.yaml, web-replacement.json, web.next-0123abcd, true, false",
        "media.yaml, media.json, media, false, true",
    })
    void theCreateRequestIsTheGoldenOne(String yaml, String golden, String name, boolean carried, boolean alias)
            throws IOException {
        ContainerManifest m = manifest(yaml);
        List<AnonymousVolume> volumes = carried
                ? List.of(new AnonymousVolume("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "/cache"))
                : List.of();
        CreateContainerCmdImpl cmd = new CreateContainerCmdImpl(command -> {
            throw new AssertionError("a golden test sends nothing");
        }, null, m.spec().image());
        DockerEngine.CreateRequest.fill(cmd, m, name, LABELS, volumes, alias);
        JsonNode body = withoutNulls(PRETTY.readTree(WIRE.writeValueAsString(cmd)));
        if (cmd.getAliases() != null) {
            // docker-java keeps aliases out of the serialized command and sends them, at exec, as the endpoint config
            // of the network in HostConfig.NetworkMode: written here the same way.
            ((com.fasterxml.jackson.databind.node.ObjectNode) body).putObject("NetworkingConfig").putObject("EndpointsConfig")
                    .putObject(body.path("HostConfig").path("NetworkMode").asText())
                    .set("Aliases", PRETTY.valueToTree(cmd.getAliases()));
        }
        String actual = PRETTY.writeValueAsString(PRETTY.treeToValue(body, Object.class)) + "\n";

        Path file = Path.of("src", "test", "resources", "create-requests", golden);
        if (Boolean.getBoolean("create-requests.write")) {
            Files.writeString(file, actual);
        }
        assertThat(Files.exists(file)).as(file + " (write it with -Dcreate-requests.write=true)").isTrue();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    /** {@code n} without its null fields, at every depth. */
    private static JsonNode withoutNulls(JsonNode n) {
        if (n.isObject()) {
            var o = (com.fasterxml.jackson.databind.node.ObjectNode) n;
            List<String> nulls = new java.util.ArrayList<>();
            o.fields().forEachRemaining(f -> {
                if (f.getValue().isNull()) {
                    nulls.add(f.getKey());
                } else {
                    withoutNulls(f.getValue());
                }
            });
            o.remove(nulls);
        } else if (n.isArray()) {
            n.forEach(CreateRequestTest::withoutNulls);
        }
        return n;
    }
}
