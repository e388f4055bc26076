package io.hostlet.manifest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The per-host secret that keys the digests in the {@code io.hostlet.spec} label (see {@link SpecLabel}). An unsalted
 * hash of a short secret (a 6-digit PIN, a dictionary password) is undone by trying candidates; an HMAC under 32 random
 * bytes that never leave the state folder cannot be, so the label can show that a value changed without showing it.
 */
public final class LabelKey {

    /** How many random bytes a key has. */
    public static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LabelKey EPHEMERAL = random();

    private final SecretKeySpec key;
    private final String id;

    private LabelKey(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a label key has " + BYTES + " bytes, not " + bytes.length);
        }
        this.key = new SecretKeySpec(bytes.clone(), "HmacSHA256");
        this.id = mac("hostlet label key id", "");
    }

    /** The key made of {@code bytes} (exactly {@link #BYTES} of them). */
    public static LabelKey of(byte[] bytes) {
        return new LabelKey(bytes);
    }

    /** A fresh random key. */
    public static LabelKey random() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return new LabelKey(b);
    }

    /**
     * One random key for the life of this process: for callers that have no state folder (tests, tools). Digests made
     * with it are as secret as any, but a later process cannot compare them, so causes then say "not comparable".
     */
    public static LabelKey ephemeral() {
        return EPHEMERAL;
    }

    /** A short public name of the key (a digest of a constant), written in the label to tell keys apart. */
    public String id() {
        return id;
    }

    /**
     * The first 16 hex digits of HMAC-SHA256 of {@code field} and {@code value}. The field is part of the input, so two
     * variables with one value get different digests and the label does not even show that they are equal.
     */
    public String digest(String field, String value) {
        return mac(field, value);
    }

    private String mac(String field, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(field.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] d = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** Never the key itself. */
    @Override
    public String toString() {
        return "LabelKey[" + id + "]";
    }
}
