package io.hostlet.manifest;

import com.fasterxml.jackson.annotation.JsonValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content of a file a manifest refers to (an env value, an env file, a config file or a secret), read where the
 * manifests are read, with its SHA-256.
 *
 * <p>Safe to pass around: {@link #toString} and its JSON form are {@code <redacted>}, so a log line, an exception, a
 * rendered plan or a status document that carries a manifest never carries the content. Only {@link SpecHash} looks at
 * {@link #digest} (so a content change recreates the container) and only the engine adapter at {@link #bytes}.
 * Equal when the digests are equal.
 */
public final class FileContent {

    /** What every rendering shows instead of the content. */
    public static final String REDACTED = "<redacted>";

    private final byte[] bytes;
    private final String digest;

    private FileContent(byte[] bytes, String digest) {
        this.bytes = bytes;
        this.digest = digest;
    }

    /** The content {@code bytes} (copied). */
    public static FileContent of(byte[] bytes) {
        try {
            String d = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new FileContent(bytes.clone(), d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A copy of the content. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The content as UTF-8 text (callers checked it is text). */
    public String text() {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code sha256:<64 hex digits>}. */
    public String digest() {
        return "sha256:" + digest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileContent c && c.digest.equals(digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @JsonValue
    @Override
    public String toString() {
        return REDACTED;
    }
}
