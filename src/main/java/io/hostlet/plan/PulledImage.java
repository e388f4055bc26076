package io.hostlet.plan;

import java.time.Instant;

/**
 * An image hostlet itself brought onto the host (it was absent, or the reference named another image, before
 * hostlet's pull). Only such images may ever be garbage-collected.
 *
 * @param reference     the reference pulled, as the manifest wrote it
 * @param imageId       the image id the pull left the reference naming
 * @param pulledAt      when
 * @param unwantedSince since when no desired Container or Image references it; null while one does
 */
public record PulledImage(String reference, String imageId, Instant pulledAt, Instant unwantedSince) {

    /** The same record, unwanted since {@code since} (null: wanted). */
    public PulledImage unwantedSince(Instant since) {
        return new PulledImage(reference, imageId, pulledAt, since);
    }
}
