package io.hostlet.plan;

/**
 * Who creates objects and from what: the hostlet instance whose ownership labels they carry, and the source
 * revision (git commit) new containers are labelled with; {@code revision} is null for a folder source.
 */
public record Origin(String instance, String revision) {
}
