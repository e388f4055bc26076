package io.hostlet.imports;

import java.util.Map;

/** Compose service keys hostlet has no counterpart for, each with the reason the report gives. */
final class UnsupportedKeys {

    private static final String NO_FIELD = "hostlet has no such setting";

    /** Keys hostlet has no counterpart for, and why; everything not here and not converted is an unknown key. */
    static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("external_links", "hostlet joins only the networks a manifest lists"),
            Map.entry("configs", "not converted yet: copy the file into the manifests folder, in a subfolder whose"
                    + " name starts with a dot (a *.yaml there is not read as a manifest), and mount it with"
                    + " files: [{source, mountPath}]"),
            Map.entry("domainname", NO_FIELD),
            Map.entry("dns_search", NO_FIELD),
            Map.entry("dns_opt", NO_FIELD),
            Map.entry("userns_mode", NO_FIELD),
            Map.entry("uts", NO_FIELD),
            Map.entry("cgroup", NO_FIELD),
            Map.entry("cgroup_parent", NO_FIELD),
            Map.entry("group_add", NO_FIELD),
            Map.entry("isolation", NO_FIELD),
            Map.entry("mac_address", NO_FIELD),
            Map.entry("runtime", NO_FIELD),
            Map.entry("storage_opt", NO_FIELD),
            Map.entry("volumes_from", "hostlet mounts only named volumes and host paths: name the volumes"),
            Map.entry("gpus", "hostlet has no GPU requests: pass the device nodes with devices"),
            Map.entry("device_cgroup_rules", NO_FIELD),
            Map.entry("credential_spec", NO_FIELD),
            Map.entry("annotations", NO_FIELD),
            Map.entry("attach", NO_FIELD),
            Map.entry("develop", "compose watch has no counterpart"),
            Map.entry("label_file", "write the labels into the service"),
            Map.entry("models", NO_FIELD),
            Map.entry("post_start", NO_FIELD),
            Map.entry("pre_stop", NO_FIELD),
            Map.entry("use_api_socket", NO_FIELD),
            Map.entry("provider", NO_FIELD),
            Map.entry("memswap_limit", "hostlet's resources are memory and cpus"),
            Map.entry("mem_reservation", "hostlet's resources are memory and cpus"),
            Map.entry("mem_swappiness", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_shares", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_quota", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_period", "hostlet's resources are memory and cpus"),
            Map.entry("cpuset", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_count", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_percent", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_rt_runtime", "hostlet's resources are memory and cpus"),
            Map.entry("cpu_rt_period", "hostlet's resources are memory and cpus"),
            Map.entry("pids_limit", "hostlet's resources are memory and cpus"),
            Map.entry("blkio_config", "hostlet's resources are memory and cpus"),
            Map.entry("oom_kill_disable", NO_FIELD),
            Map.entry("oom_score_adj", NO_FIELD));

    private UnsupportedKeys() {
    }
}
