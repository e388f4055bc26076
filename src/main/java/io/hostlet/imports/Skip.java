package io.hostlet.imports;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Thrown while converting one compose key (or one item of a list) that cannot be carried over; the converter catches
 * it at that key and reports it, so one bad value costs that key and nothing else.
 */
final class Skip extends RuntimeException {

    /** Where to report it: the offending node, or null for the key being converted. */
    final transient Node at;

    Skip(String why) {
        this(null, why);
    }

    Skip(Node at, String why) {
        super(why, null, false, false);
        this.at = at;
    }
}
