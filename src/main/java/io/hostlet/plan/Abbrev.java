package io.hostlet.plan;

/** How the causes of steps shorten digests, container ids and spec hashes, so a rendered plan stays one line a step. */
final class Abbrev {

    private Abbrev() {
    }

    /** {@code sha256:} and the first 12 hex digits; {@code ?} when unknown. */
    static String digest(String digest) {
        return digest == null ? "?" : digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    /** The first 12 characters, as {@code docker ps} shows an id. */
    static String id(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** The first 12 characters; {@code ?} when unknown. */
    static String hash(String hash) {
        return hash == null ? "?" : hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
