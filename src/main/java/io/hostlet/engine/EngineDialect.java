package io.hostlet.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which engine answers on the socket, as its {@code GET /version} says, and what follows from it for the adapter.
 * Decided once per connection; every engine-specific branch of the adapter asks this record, so nothing outside
 * {@code io.hostlet.engine} needs to know which engine it talks to.
 *
 * <p>What differs (each recorded in {@code src/test/resources/engine-dialects/}):
 * <ul>
 *   <li>Podman names itself in {@code Components} ("Podman Engine"), serves the Docker API 1.41, answers a taken
 *       name with HTTP 500 "already in use" and a missing image with "no such image ... image not known", reports no
 *       health in the container list (its own libpod list does), sends {@code health_status} events without the
 *       status and on every probe, and names images loaded or built without a registry {@code localhost/NAME};</li>
 *   <li>Docker from API 1.52 (29.x) carries a structured {@code Health} in the container list; before that only the
 *       list's {@code Status} text says "(healthy)".</li>
 * </ul>
 *
 * @param podman     the engine is Podman's Docker-compatible service
 * @param version    the engine's own version (Docker's, or Podman's)
 * @param apiVersion the Docker API version it serves, e.g. {@code 1.51}
 */
public record EngineDialect(boolean podman, String version, String apiVersion) {

    /** What is assumed before the engine answered: a Docker of the oldest supported API. */
    public static final EngineDialect UNKNOWN = new EngineDialect(false, "?", "1.41");

    /** The dialect of the engine whose {@code /version} answer is {@code json}. */
    public static EngineDialect of(JsonNode json) {
        String version = json.path("Version").asText("?");
        String api = json.path("ApiVersion").asText("1.41");
        for (JsonNode c : json.path("Components")) {
            if ("Podman Engine".equals(c.path("Name").asText())) {
                return new EngineDialect(true, c.path("Version").asText(version), api);
            }
        }
        return new EngineDialect(false, version, api);
    }

    /** How hostlet names the engine in logs and status: "Docker 28.5.2" or "Podman 4.3.1". */
    public String describe() {
        return (podman ? "Podman " : "Docker ") + version + " (API " + apiVersion + ")";
    }

    /** Whether the compatible container list lacks health, so the adapter asks Podman's own list for it. */
    boolean healthFromLibpodList() {
        return podman;
    }

    /** Whether health events arrive on every probe without their status (Podman), so they need de-duplicating. */
    boolean healthEventsPerProbe() {
        return podman;
    }

    /**
     * The name as the engine would have written it in the manifest: Podman prefixes {@code localhost/} to an image
     * without a registry that it loaded or built (and finds {@code NAME} under {@code localhost/NAME}); Docker has no
     * such prefix, so a reference to a registry called {@code localhost} is left as it is there.
     */
    String imageName(String reference) {
        if (podman && reference != null && reference.startsWith("localhost/")) {
            return reference.substring("localhost/".length());
        }
        return reference;
    }

    /**
     * A repo digest as a Docker engine would write it: Podman writes {@code docker.io/library/busybox@sha256:...} and
     * {@code localhost/app@sha256:...} where Docker writes {@code busybox@...} and {@code app@...}.
     */
    String repoDigest(String repoDigest) {
        return podman ? io.hostlet.manifest.ImageRefs.familiar(imageName(repoDigest)) : repoDigest;
    }

    /** Whether the API version is at least {@code major.minor}. */
    boolean apiAtLeast(int major, int minor) {
        String[] p = apiVersion.split("\\.");
        try {
            int ma = Integer.parseInt(p[0]);
            int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
