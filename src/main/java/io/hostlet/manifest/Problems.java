package io.hostlet.manifest;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;

/** The errors found so far in one file, positioned 1-based as {@link ManifestError} wants. */
final class Problems {

    private final String file;
    private final List<ManifestError> errors = new ArrayList<>();

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
            errors.add(new ManifestError(file, mark.getLine() + 1, mark.getColumn() + 1, message));
        }
    }

    void wholeFile(String message) {
        errors.add(new ManifestError(file, 0, 0, message));
    }

    int count() {
        return errors.size();
    }

    List<ManifestError> list() {
        return errors;
    }
}
