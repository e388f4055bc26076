package io.hostlet.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from a Docker client config file ({@code ~/.docker/config.json} or
 * {@code hostlet.registry.config}): its {@code auths} section, entries written as {@code {"auth": base64(user:pass)}}
 * or {@code {"username": ..., "password": ...}}. The file is read at each use, so credentials can be rotated
 * without a restart. Credential helpers ({@code credsStore}, {@code credHelpers}) and identity tokens are not
 * supported. Passwords never reach a log or a message: {@link Credentials#toString} hides them.
 */
public final class RegistryAuth {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Docker Hub's names as they appear as {@code auths} keys; images without a registry host are Hub images. */
    private static final String HUB = "docker.io";

    private final Path file;

    /** @param file the config file; null means no credentials at all */
    public RegistryAuth(Path file) {
        this.file = file;
    }

    /** None: every pull is anonymous. */
    public static RegistryAuth none() {
        return new RegistryAuth(null);
    }

    /** A user name and password for one registry. */
    public record Credentials(String username, String password, String serverAddress) {
        @Override
        public String toString() {
            return "Credentials[" + username + "@" + serverAddress + ", password hidden]";
        }
    }

    /**
     * The credentials for the registry {@code image} comes from; empty when the file is absent, unreadable or
     * has none for it. A malformed file is treated like an absent one (the pull then fails with the registry's
     * own "unauthorized", which says more than a parse error would).
     */
    public Optional<Credentials> forImage(String image) {
        if (file == null) {
            return Optional.empty();
        }
        JsonNode auths;
        try {
            auths = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)).path("auths");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String host = registryHost(image);
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (normalize(e.getKey()).equals(host)) {
                return credentials(e.getValue(), e.getKey());
            }
        }
        return Optional.empty();
    }

    private static Optional<Credentials> credentials(JsonNode entry, String server) {
        String user = entry.path("username").asText("");
        String pass = entry.path("password").asText("");
        String auth = entry.path("auth").asText("");
        if (user.isEmpty() && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            user = decoded.substring(0, colon);
            pass = decoded.substring(colon + 1);
        }
        return user.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, pass, server));
    }

    /**
     * The registry host of an image reference, as Docker decides it: the first path component when it looks like
     * a host (has a '.' or ':', or is {@code localhost}), else Docker Hub.
     */
    public static String registryHost(String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String first = image.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return normalize(first);
            }
        }
        return HUB;
    }

    /** An {@code auths} key or a host as one comparable host: scheme and path dropped, Hub's aliases unified. */
    static String normalize(String key) {
        String k = key.toLowerCase(Locale.ROOT).trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return switch (k) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> HUB;
            default -> k;
        };
    }
}
