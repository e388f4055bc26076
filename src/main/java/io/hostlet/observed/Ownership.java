package io.hostlet.observed;

import java.util.regex.Pattern;

/**
 * Which containers are hostlet's. The engine's list call already keeps only those labelled {@link Labels#MANAGED}
 * and this instance's {@link Labels#INSTANCE}; labels alone are not enough, though: {@code docker commit} copies
 * them into an image, so {@code docker run --name web-debug snap} makes a container that claims to be {@code web}.
 * A container is hostlet's only when its Docker name is also the name its labels claim ({@link Labels#NAME}), or a
 * replacement name hostlet itself chose for that name ({@link #replacementName}). Anything else is foreign: never
 * stopped, renamed or removed, whatever its labels say.
 */
public final class Ownership {

    /** The suffix hostlet puts on a replacement it creates before the container it replaces is touched. */
    public static final String REPLACEMENT_INFIX = ".next-";
    private static final Pattern HASH8 = Pattern.compile("[0-9a-f]{8}");

    private Ownership() {
    }

    /** Whether {@code c} (already listed as this instance's by its labels) is hostlet's by its name too. */
    public static boolean owns(ObservedContainer c) {
        return owns(c.name(), c.managedName());
    }

    /**
     * Whether a container named {@code dockerName} whose labels claim {@code claimedName} is hostlet's: the names
     * are equal, or {@code dockerName} is {@code claimedName + ".next-" + 8 lowercase hex digits}. No claim, no
     * ownership.
     */
    public static boolean owns(String dockerName, String claimedName) {
        if (dockerName == null || claimedName == null || claimedName.isEmpty()) {
            return false;
        }
        if (dockerName.equals(claimedName)) {
            return true;
        }
        String prefix = claimedName + REPLACEMENT_INFIX;
        return dockerName.length() == prefix.length() + 8 && dockerName.startsWith(prefix)
                && HASH8.matcher(dockerName.substring(prefix.length())).matches();
    }

    /**
     * The name of a replacement for {@code name} made for a spec whose hash starts with {@code hash8} (8 lowercase
     * hex digits). Reserved for hostlet: a container so named, with hostlet's labels claiming {@code name}, is
     * hostlet's.
     */
    public static String replacementName(String name, String hash8) {
        checkHash8(hash8);
        return name + REPLACEMENT_INFIX + hash8;
    }

    /**
     * The name the container {@code oldId} takes for the moment between a swap and its removal, so that its
     * replacement ({@code replacementName}) can take {@code name} at once: a replacement name too (hostlet's by the
     * same rule, so a crash in that moment leaves nothing foreign), with 8 hex digits derived from the old
     * container's id, never those of {@code replacementName}.
     */
    public static String retiredName(String name, String oldId, String replacementName) {
        String digest = sha256Hex(oldId);
        String retired = name + REPLACEMENT_INFIX + digest.substring(0, 8);
        return retired.equals(replacementName) ? name + REPLACEMENT_INFIX + digest.substring(8, 16) : retired;
    }

    private static String sha256Hex(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void checkHash8(String hash8) {
        if (!HASH8.matcher(hash8).matches()) {
            throw new IllegalArgumentException("a replacement name ends in 8 lowercase hex digits, not " + hash8);
        }
    }
}
