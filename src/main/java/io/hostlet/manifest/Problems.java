package io.hostlet.manifest;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors found so far in one file, positioned 1-based as {@link ManifestError} wants. Keeps the first
 * {@link #MAX_KEPT}; the rest are only counted (see {@link #overflow}), so a hostile file cannot make status huge.
 */
final class Problems {

    /** Errors kept per file; a file with more is broken enough that the first ones tell what to fix. */
    static final int MAX_KEPT = 50;

    private static final int MAX_MESSAGE = 500;

    private final String file;
    private final List<ManifestError> errors = new ArrayList<>();
    private int dropped;

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void at(Node node, String message) {
        at(node.getStartMark(), message);
    }

    void at(Mark mark, String message) {
        if (mark == null) {
            wholeFile(message);
        } else {
            add(new ManifestError(file, mark.getLine() + 1, mark.getColumn() + 1, message));
        }
    }

    void wholeFile(String message) {
        add(new ManifestError(file, 0, 0, message));
    }

    /** The first error past the cap; null while none was dropped. */
    private ManifestError firstDropped;

    private void add(ManifestError raw) {
        ManifestError e = new ManifestError(raw.file(), raw.line(), raw.column(), visible(raw.message()));
        if (errors.size() < MAX_KEPT) {
            // SnakeYAML quotes what it stumbled on (a tag, a token), which a hostile file can make a megabyte long.
            errors.add(e.message().length() <= MAX_MESSAGE ? e
                    : new ManifestError(e.file(), e.line(), e.column(), e.message().substring(0, MAX_MESSAGE) + "..."));
        } else {
            if (dropped++ == 0) {
                firstDropped = e;
            }
        }
    }

    /**
     * {@code message} with what would hide, reorder or corrupt text shown to a person escaped as {@code \\uXXXX}:
     * control characters (an ANSI escape in a log), bidirectional overrides (a name that reads otherwise than it is)
     * and lone surrogates (which no UTF-8 writer can encode).
     */
    static String visible(String message) {
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < message.length()
                    && Character.isLowSurrogate(message.charAt(i + 1));
            boolean hide = Character.isISOControl(c) || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069'
                    || c == '\u200E' || c == '\u200F' || c == '\uFEFF' || Character.isSurrogate(c) && !pair;
            if (hide && b == null) {
                b = new StringBuilder(message.length() + 16).append(message, 0, i);
            }
            if (b != null) {
                if (hide) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                    if (pair) {
                        b.append(message.charAt(++i));
                    }
                }
            } else if (pair) {
                i++;
            }
        }
        return b == null ? message : b.toString();
    }

    /** All errors found, kept or not. */
    int count() {
        return errors.size() + dropped;
    }

    /** The one error that stands for those not kept; null when all were kept. */
    ManifestError overflow() {
        // At the first error not kept: where to look next once the kept ones are fixed.
        return dropped == 0 ? null : new ManifestError(file, firstDropped.line(), firstDropped.column(),
                "and " + dropped + " more error(s) in this file, the next one here");
    }

    List<ManifestError> list() {
        return errors;
    }
}
