package io.hostlet.events;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * What an {@link Event} tells. The wire name ({@link #wire()}) is the lowercase, dash-separated word the API, the
 * stream's {@code event:} field and {@code hostlet.notify.kinds} use; {@link #warning()} kinds need a person and are
 * logged at WARN.
 */
public enum EventKind {
    /** A container (or network) was created; for a container it was also started. */
    CREATED(false),
    /** A container was replaced by one of a new spec; {@code details.fields} names the changed fields when known. */
    RECREATED(false),
    /** A container was started. */
    STARTED(false),
    /** A container stopped running; {@code details.code} is its exit code when the engine said it. */
    EXITED(false),
    /** hostlet or the engine's restart policy started a container again after it exited (or was unhealthy). */
    RESTARTED(false),
    /** An image was pulled; {@code details.digest} is the registry digest or the new image id. */
    PULLED(false),
    /** An image could not be pulled. */
    PULL_FAILED(true),
    /** A step other than a pull failed (create, start, remove...); {@code details.action} says which. */
    FAILED(true),
    /** A manifest file has new or changed errors; the last good version of its manifests stays in force. */
    MANIFEST_ERROR(true),
    /** A manifest file that had errors has none any more. */
    MANIFEST_FIXED(false),
    /** The prune guard held removals: a pass would have removed too much and removed nothing. */
    HELD(true),
    /** An image hostlet had pulled and nothing wants was removed (image garbage collection). */
    PRUNED(false),
    /** A managed container (or network) that no manifest wants was removed. */
    REMOVED(false),
    /** The engine stopped answering. */
    ENGINE_LOST(true),
    /** The engine answers again. */
    ENGINE_BACK(false),
    /** A container entered CrashLoopBackOff: it keeps exiting and its restarts back off. */
    CRASH_LOOP(true),
    /** An update failed its gate and the previous spec runs again (status phase {@code RolledBack}). */
    ROLLED_BACK(true),
    /** Reserved: a git head was refused (force push, bad signature). Nothing emits it yet. */
    GIT_REFUSED(true);

    private final boolean warning;

    EventKind(boolean warning) {
        this.warning = warning;
    }

    /** Whether this kind needs a person's attention (logged at WARN). */
    public boolean warning() {
        return warning;
    }

    /** The name on the wire: {@code pull-failed} for {@link #PULL_FAILED}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind of wire name {@code s} (case and surrounding blanks ignored); empty when there is none. */
    public static Optional<EventKind> of(String s) {
        String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (EventKind k : values()) {
            if (k.name().equals(n)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wire();
    }
}
