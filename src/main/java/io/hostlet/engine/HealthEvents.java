package io.hostlet.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which container events are news. Docker sends {@code health_status: healthy} (the status in the action) only when
 * a container's health changes. Podman sends {@code health_status} after every probe, and 4.x without the status
 * (5.x puts it in the {@code health_status} attribute): asking for a pass on each would run one pass per probe and
 * container, so on Podman a health event is news only when the status differs from the last one seen for that
 * container (4.x: the status an inspect reports, one call instead of a pass).
 */
final class HealthEvents {

    private final EngineDialect dialect;
    private final Function<String, String> inspectHealth;
    private final Map<String, String> last = new ConcurrentHashMap<>();

    /**
     * @param dialect       the engine's
     * @param inspectHealth the health an inspect reports for a container id, null when none or gone
     */
    HealthEvents(EngineDialect dialect, Function<String, String> inspectHealth) {
        this.dialect = dialect;
        this.inspectHealth = inspectHealth;
    }

    /** Whether the event {@code action} on {@code id} (with the actor's {@code attributes}) should ask for a pass. */
    boolean changed(String id, String action, Map<String, String> attributes) {
        if (action == null || !action.startsWith("health_status")) {
            if ("destroy".equals(action) && id != null) {
                last.remove(id); // the book follows the containers
            }
            return true;
        }
        if (!dialect.healthEventsPerProbe() || id == null) {
            return true;
        }
        String status = status(action, attributes);
        if (status == null) {
            status = inspectHealth.apply(id);
        }
        if (status == null) {
            return true; // cannot tell: a pass too many is safe, a missed change is not
        }
        return !status.equals(last.put(id, status));
    }

    /** The status an event carries: Docker's in the action, Podman 5's in an attribute; null when it carries none. */
    static String status(String action, Map<String, String> attributes) {
        int colon = action.indexOf(':');
        if (colon >= 0) {
            String s = action.substring(colon + 1).trim();
            return s.isEmpty() ? null : s;
        }
        String s = attributes == null ? null : attributes.get("health_status");
        return s == null || s.isBlank() ? null : s;
    }
}
