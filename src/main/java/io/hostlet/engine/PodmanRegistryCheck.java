package io.hostlet.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The registry check of {@code imagePullPolicy: Always} on Podman, which has no {@code GET /distribution/NAME/json}
 * (404 in 4.3): a pull with {@code policy=newer} (Podman fetches the manifest and pulls only when the registry's
 * differs from the local image's), then the digest Podman recorded last for the repository. The planner then sees
 * the image current, and a container on an older image id is recreated once; an unchanged manifest costs one
 * manifest request, as Docker's check does.
 */
final class PodmanRegistryCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PodmanRegistryCheck() {
    }

    /** The libpod pull path for {@code image}. */
    static String pullPath(String image) {
        return "/v4.0.0/libpod/images/pull?policy=newer&reference="
                + java.net.URLEncoder.encode(image, StandardCharsets.UTF_8);
    }

    /**
     * The image id a libpod pull stream ends with; throws PULL_FAILED with the registry's words when it reports an
     * error (the HTTP status is 200 even then: the stream has begun).
     */
    static String pulledId(String what, InputStream stream) throws IOException {
        String id = null;
        BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.hasNonNull("error")) {
                throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": " + n.path("error").asText(), null);
            }
            if (n.hasNonNull("id")) {
                id = n.path("id").asText();
            }
        }
        if (id == null) {
            throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": the engine's pull named no image", null);
        }
        return id;
    }

    /** The reference without tag or digest, as repo digests write it ({@code host:5000/app}). */
    static String repository(String image) {
        int at = image.indexOf('@');
        String s = at >= 0 ? image.substring(0, at) : image;
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        return colon > slash ? s.substring(0, colon) : s;
    }

    /** The digest of {@code repository} the engine recorded last among {@code repoDigests}; null when none. */
    static String lastDigest(String repository, List<String> repoDigests) {
        String digest = null;
        for (String rd : repoDigests) {
            if (rd.startsWith(repository + "@sha256:")) {
                digest = rd.substring(repository.length() + 1);
            }
        }
        return digest;
    }
}
