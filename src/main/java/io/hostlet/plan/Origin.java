package io.hostlet.plan;

import io.hostlet.manifest.LabelKey;

/**
 * Who creates objects and from what: the hostlet instance whose ownership labels they carry, the source revision
 * (git commit) new containers are labelled with ({@code null} for a folder source), and the host's key for the
 * digests in spec labels (see {@link io.hostlet.manifest.SpecLabel}).
 */
public record Origin(String instance, String revision, LabelKey labelKey) {
}
