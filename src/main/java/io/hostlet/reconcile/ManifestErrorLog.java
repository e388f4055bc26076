package io.hostlet.reconcile;

import io.hostlet.manifest.ManifestError;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Logs manifest errors once per change rather than every pass: at WARN when a file's errors appear or their text
 * changes (each as {@code file:line:col: message}), at INFO when a file that had errors has none. The messages are
 * the ones status shows, which never quote an env value.
 *
 * <p>Used by the reconcile thread only.
 */
final class ManifestErrorLog {

    private static final Logger LOG = Logger.getLogger(ManifestErrorLog.class);

    private final BiConsumer<Boolean, String> out;
    private Map<String, List<String>> last = Map.of();

    /** Logging through hostlet's logger. */
    ManifestErrorLog() {
        this((warn, line) -> {
            if (warn) {
                LOG.warn(line);
            } else {
                LOG.info(line);
            }
        });
    }

    /** Logging to {@code out} (true: a warning), for tests. */
    ManifestErrorLog(BiConsumer<Boolean, String> out) {
        this.out = out;
    }

    /** The errors a pass read: logs what changed since the last call. */
    void seen(List<ManifestError> errors) {
        Map<String, List<String>> now = new LinkedHashMap<>();
        for (ManifestError e : errors) {
            now.computeIfAbsent(e.file(), f -> new ArrayList<>()).add(e.toString());
        }
        for (Map.Entry<String, List<String>> f : now.entrySet()) {
            if (!f.getValue().equals(last.get(f.getKey()))) {
                out.accept(true, "manifest " + f.getKey() + ": " + f.getValue().size() + " error(s) (the file's last"
                        + " good version, if any, stays in force)\n  " + String.join("\n  ", f.getValue()));
            }
        }
        for (String file : last.keySet()) {
            if (!now.containsKey(file)) {
                out.accept(false, "manifest " + file + " has no errors any more (fixed or deleted)");
            }
        }
        last = new HashMap<>(now);
    }
}
