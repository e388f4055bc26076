package io.hostlet.imports;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One service being converted: the draft it becomes, where reports and notes go, and the little state the field
 * converters share (whether the service uses the host's network; which container ports are already published).
 */
final class ServiceDraft {

    final Project p;
    final ComposeNodes n;
    final List<NotConverted> dropped;
    final List<String> notices;
    final String service;
    /** {@code services.NAME}: the prefix of every key reported for this service. */
    final String base;
    final Draft d;
    /** {@code port/protocol} of each container port written so far, so {@code expose} does not repeat one. */
    final Set<String> portKeys = new HashSet<>();
    /** Set by {@code network_mode: host}, which is converted before every other key. */
    boolean hostNetwork;

    ServiceDraft(Project p, ComposeNodes n, String service, int line, List<NotConverted> dropped,
                 List<String> notices) {
        this.p = p;
        this.n = n;
        this.service = service;
        this.base = "services." + service;
        this.dropped = dropped;
        this.notices = notices;
        this.d = new Draft(service, p.names().get(service), line);
    }
}
