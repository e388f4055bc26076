package io.hostlet.desired.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pure part of the webhook: is a request authentic, and which ref does it announce. Supported signatures:
 * <ul>
 *   <li>GitHub (and Gitea, Forgejo, Gogs in compatible mode): {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}</li>
 *   <li>Gitea: {@code X-Gitea-Signature: <hex HMAC-SHA256 of the body>}</li>
 *   <li>GitLab: {@code X-Gitlab-Token: <the secret itself>}</li>
 * </ul>
 * The first of these headers present decides. Comparisons take the same time whatever the bytes
 * ({@link MessageDigest#isEqual}); the GitLab token is compared through SHA-256 digests so that not even the
 * secret's length shows in the timing.
 */
public final class WebhookCheck {

    static final String GITHUB = "X-Hub-Signature-256";
    static final String GITEA = "X-Gitea-Signature";
    static final String GITLAB = "X-Gitlab-Token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookCheck() {
    }

    /** Whether the request carries a valid signature or token for {@code secret}; {@code header} looks a header up. */
    public static boolean authentic(byte[] secret, Function<String, String> header, byte[] body) {
        String github = header.apply(GITHUB);
        if (github != null) {
            String h = github.strip();
            return h.regionMatches(true, 0, "sha256=", 0, 7) && hexEquals(hmac(secret, body), h.substring(7));
        }
        String gitea = header.apply(GITEA);
        if (gitea != null) {
            return hexEquals(hmac(secret, body), gitea.strip());
        }
        String gitlab = header.apply(GITLAB);
        if (gitlab != null) {
            return MessageDigest.isEqual(sha256(secret), sha256(gitlab.getBytes(StandardCharsets.UTF_8)));
        }
        return false;
    }

    /**
     * The {@code ref} a push event names ({@code refs/heads/main}), from a JSON body or a GitHub form-encoded one
     * ({@code payload=…}); empty when the body names none (a ping, a plain trigger).
     */
    public static Optional<String> ref(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.startsWith("payload=")) {
            text = URLDecoder.decode(text.substring("payload=".length()), StandardCharsets.UTF_8);
        }
        try {
            JsonNode ref = JSON.readTree(text).path("ref");
            return ref.isTextual() ? Optional.of(ref.asText()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA256 of {@code body} with {@code secret}. */
    public static byte[] hmac(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static boolean hexEquals(byte[] expected, String hex) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
