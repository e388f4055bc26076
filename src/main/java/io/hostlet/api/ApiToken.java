package io.hostlet.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The pure part of the API's bearer token: reading the token file and checking an {@code Authorization} header
 * against it. The token is compared through SHA-256 digests with {@link MessageDigest#isEqual}, so neither its
 * bytes nor its length show in the timing. Nothing here ever puts the token (or what a caller sent) in a message.
 */
public final class ApiToken {

    /** How a request's credentials compare with the token. */
    public enum Verdict {
        /** The header carries the token. */
        GRANTED,
        /** No {@code Authorization: Bearer} header. */
        MISSING,
        /** A bearer token that is not the one. */
        WRONG,
        /** The token file cannot be read or is empty: every request is refused (fail closed). */
        UNAVAILABLE
    }

    private ApiToken() {
    }

    /**
     * The token in {@code file}, without surrounding whitespace or line breaks.
     *
     * @throws IllegalStateException when the file cannot be read or holds nothing; the message names the file only
     */
    public static byte[] read(Path file) {
        String s;
        try {
            s = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("hostlet.api.token-file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (s.isEmpty()) {
            throw new IllegalStateException("hostlet.api.token-file " + file + " is empty");
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code authorization} (the header's value, null when absent) carries the token in {@code file}. */
    public static Verdict check(Path file, String authorization) {
        byte[] token;
        try {
            token = read(file);
        } catch (IllegalStateException e) {
            return Verdict.UNAVAILABLE;
        }
        return check(token, authorization);
    }

    /** Whether {@code authorization} carries {@code token}. */
    static Verdict check(byte[] token, String authorization) {
        if (authorization == null) {
            return Verdict.MISSING;
        }
        String h = authorization.strip();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Verdict.MISSING;
        }
        byte[] given = h.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(sha256(token), sha256(given)) ? Verdict.GRANTED : Verdict.WRONG;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
