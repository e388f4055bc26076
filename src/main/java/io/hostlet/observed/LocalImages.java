package io.hostlet.observed;

import io.hostlet.manifest.ImageRefs;

import java.util.Map;

/**
 * The images on the engine as one list call ({@code GET /images/json}) showed them: every tag and digest reference,
 * in {@link ImageRefs#familiar familiar form}, to the image id it names. Dangling images ({@code <none>}) have no
 * reference and are not in it.
 */
public record LocalImages(Map<String, String> idByReference) {

    public LocalImages {
        idByReference = Map.copyOf(idByReference);
    }

    /** The id of the local image {@code reference} names (written any way the engine accepts); null when absent. */
    public String idOf(String reference) {
        return idByReference.get(ImageRefs.familiar(reference));
    }
}
