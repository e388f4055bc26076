package io.hostlet.export;

import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.RuntimeSpec;

/**
 * The host-facing fields (host namespaces, security context, devices, name resolution, tmpfs, kernel settings, init,
 * stop signal, ulimits, logging), {@code suspend}, and what a container takes from files (env values, env files,
 * config files, secrets), which export does not carry over: each one a manifest sets
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
        io.hostlet.manifest.FileSources f = spec.sources();
        // Contents are never written into an export (they are secrets, or live beside the manifest): say so per field.
        f.env().forEach(e -> report.drop(FROM_FILES, "spec", "env", e.index(), "valueFrom"));
        if (!f.envFrom().isEmpty()) {
            report.drop(FROM_FILES, "spec", "envFrom");
        }
        if (!f.files().isEmpty()) {
            report.drop(FROM_FILES, "spec", "files");
        }
        if (!f.secrets().isEmpty()) {
            report.drop(FROM_FILES, "spec", "secrets");
        }
    }

    private static final String FROM_FILES = "taken from files, which export does not copy (no secret is written into"
            + " an export): map it to the target's env file, config or secret by hand";

    private static void check(ComposeExport.Reporter report, boolean set, String field) {
        if (set) {
            report.drop(WHY, "spec", field);
        }
    }
}
