package io.hostlet.export;

import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.RuntimeSpec;

/**
 * The host-facing fields (host namespaces, security context, devices, name resolution, tmpfs, kernel settings, init,
 * stop signal, ulimits, logging) and {@code suspend}, which export does not carry over yet: each one a manifest sets
 * is reported, in both formats, so nothing is lost silently. Fields left at their default are not reported.
 */
final class RuntimeFieldsNotExported {

    private static final String WHY = "not carried over by this version of export: set it in the target by hand";

    private RuntimeFieldsNotExported() {
    }

    /** Reports each runtime field of {@code spec} that differs from its default. */
    static void report(ContainerSpec spec, ComposeExport.Reporter report) {
        RuntimeSpec r = spec.runtime();
        if (r == null) {
            return;
        }
        RuntimeSpec none = RuntimeSpec.NONE;
        check(report, r.hostNetwork() != none.hostNetwork(), "hostNetwork");
        check(report, r.hostPID() != none.hostPID(), "hostPID");
        check(report, r.hostIPC() != none.hostIPC(), "hostIPC");
        check(report, !r.securityContext().equals(none.securityContext()), "securityContext");
        check(report, !r.devices().isEmpty(), "devices");
        check(report, !r.extraHosts().isEmpty(), "extraHosts");
        check(report, r.hostname() != null, "hostname");
        check(report, !r.dns().isEmpty(), "dns");
        check(report, !r.tmpfs().isEmpty(), "tmpfs");
        check(report, r.shmSizeBytes() != null, "shmSize");
        check(report, !r.sysctls().isEmpty(), "sysctls");
        check(report, r.init() != none.init(), "init");
        check(report, r.stopSignal() != null, "stopSignal");
        check(report, !r.ulimits().isEmpty(), "ulimits");
        check(report, r.logging() != null, "logging");
        check(report, spec.suspend(), "suspend");
    }

    private static void check(ComposeExport.Reporter report, boolean set, String field) {
        if (set) {
            report.drop(WHY, "spec", field);
        }
    }
}
