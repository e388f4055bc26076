package io.hostlet.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;

/**
 * The canonical form of a container's spec and its hash, stored on the container as labels.
 *
 * <p>Stability rule, pinned by a golden test: a field is written only when it differs from its default,
 * and keys are sorted. So adding a new optional field later leaves the hash of every existing container
 * unchanged (docker compose 2.24 and kubelet upgrades recreated every container by breaking this).
 * Fields that need no recreate are left out: {@code imagePullPolicy} (a pull decision),
 * {@code stopGracePeriod} (passed with each stop), {@code restartOnUnhealthy} and {@code dependsOn} (decisions of the
 * planner).
 */
public final class SpecHash {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Hashes already computed. The planner hashes every desired manifest on every pass, and the folder source hands
     * it the same manifest objects while files are unchanged, so this turns most of a no-op pass's hashing into a
     * lookup. Safe because manifests are immutable values; weak keys let replaced manifests go.
     */
    private static final Map<ContainerManifest, String> MEMO = Collections.synchronizedMap(new WeakHashMap<>());

    private SpecHash() {
    }

    /** The canonical JSON of everything in {@code m} that, when changed, requires a new container. */
    public static String canonical(ContainerManifest m) {
        return json(fields(m));
    }

    /**
     * The canonical fields as a sorted map whose leaves are strings, lists and maps; comparing two of these
     * key by key names what changed.
     */
    public static Map<String, Object> fields(ContainerManifest m) {
        ContainerSpec s = m.spec();
        Map<String, Object> f = new TreeMap<>();
        f.put("image", s.image());
        putIfNotEmpty(f, "labels", new TreeMap<>(m.labels()));
        putIfNotEmpty(f, "command", s.command());
        putIfNotEmpty(f, "args", s.args());
        putIfPresent(f, "workingDir", s.workingDir());
        putIfPresent(f, "user", s.user());
        putIfNotEmpty(f, "env", sorted(s.env().stream().map(e -> e.name() + "=" + e.value()).toList()));
        putIfNotEmpty(f, "ports", sorted(s.ports().stream().map(SpecHash::port).toList()));
        putIfNotEmpty(f, "volumes", s.volumes().stream()
                .sorted(Comparator.comparing(ContainerSpec.VolumeMount::mountPath))
                .map(SpecHash::volume).toList());
        putIfNotEmpty(f, "networks", sorted(s.networks()));
        if (s.restartPolicy() != RestartPolicy.Always) {
            f.put("restartPolicy", s.restartPolicy().name());
        }
        if (s.resources().memoryBytes() != null) {
            f.put("memory", Long.toString(s.resources().memoryBytes()));
        }
        if (s.resources().cpus() != null) {
            f.put("cpus", BigDecimal.valueOf(s.resources().cpus()).stripTrailingZeros().toPlainString());
        }
        if (s.healthcheck() != null) {
            f.put("healthcheck", healthcheck(s.healthcheck()));
        }
        runtime(f, s.runtime());
        sources(f, s.sources());
        return f;
    }

    /**
     * What the container takes from files, by content digest only (never the content, never the file's name: a renamed
     * file with the same content needs no new container), each list only when the manifest uses it.
     */
    private static void sources(Map<String, Object> f, FileSources s) {
        putIfNotEmpty(f, "envValueFrom", sorted(s.env().stream().map(e -> e.name() + "=" + digest(e.content())).toList()));
        putIfNotEmpty(f, "envFrom", s.envFrom().stream().map(e -> digest(e.content())).toList()); // later files win
        putIfNotEmpty(f, "files", s.files().stream()
                .sorted(Comparator.comparing(FileSources.MountedFile::mountPath))
                .map(m -> m.mountPath() + ":" + Integer.toOctalString(m.mode()) + ":" + digest(m.content())).toList());
        putIfNotEmpty(f, "secrets", s.secrets().stream()
                .sorted(Comparator.comparing(FileSources.MountedFile::mountPath))
                .map(m -> m.mountPath() + ":" + digest(m.content())).toList());
    }

    /** A content's digest; "unread" for a manifest whose files were not read (validation only, never planned). */
    private static String digest(FileContent c) {
        return c == null ? "unread" : c.digest();
    }

    /**
     * The host-facing fields, each only when it differs from {@link RuntimeSpec#NONE}. {@code logging} enters only when
     * the manifest writes it: the rotation hostlet applies to an unset one is a create-time default, so introducing it
     * recreated nothing, and changing it later would recreate nothing either.
     */
    private static void runtime(Map<String, Object> f, RuntimeSpec r) {
        putIfTrue(f, "hostNetwork", r.hostNetwork());
        putIfTrue(f, "hostPID", r.hostPID());
        putIfTrue(f, "hostIPC", r.hostIPC());
        Map<String, Object> sc = new TreeMap<>();
        RuntimeSpec.SecurityContext c = r.securityContext();
        putIfTrue(sc, "privileged", c.privileged());
        putIfNotEmpty(sc, "capAdd", sorted(c.capAdd()));
        putIfNotEmpty(sc, "capDrop", sorted(c.capDrop()));
        putIfTrue(sc, "readOnlyRootFilesystem", c.readOnlyRootFilesystem());
        putIfTrue(sc, "noNewPrivileges", c.noNewPrivileges());
        putIfPresent(sc, "runAsUser", c.runAsUser() == null ? null : c.runAsUser().toString());
        putIfPresent(sc, "runAsGroup", c.runAsGroup() == null ? null : c.runAsGroup().toString());
        if (c.seccompProfile() != RuntimeSpec.Profile.RuntimeDefault) {
            sc.put("seccompProfile", c.seccompProfile().name());
        }
        if (c.appArmorProfile() != RuntimeSpec.Profile.RuntimeDefault) {
            sc.put("appArmorProfile", c.appArmorProfile().name());
        }
        putIfNotEmpty(f, "securityContext", sc);
        putIfNotEmpty(f, "devices", r.devices().stream()
                .sorted(Comparator.comparing(RuntimeSpec.Device::containerPath))
                .map(d -> d.hostPath() + ":" + d.containerPath() + ":" + d.permissions()).toList());
        putIfNotEmpty(f, "extraHosts", sorted(r.extraHosts()));
        putIfPresent(f, "hostname", r.hostname());
        putIfNotEmpty(f, "dns", r.dns()); // order matters: the first server is asked first
        putIfNotEmpty(f, "tmpfs", r.tmpfs().stream()
                .sorted(Comparator.comparing(RuntimeSpec.Tmpfs::mountPath))
                .map(t -> t.mountPath() + (t.sizeBytes() == null ? "" : ":size=" + t.sizeBytes())).toList());
        putIfPresent(f, "shmSize", r.shmSizeBytes() == null ? null : r.shmSizeBytes().toString());
        putIfNotEmpty(f, "sysctls", new TreeMap<>(r.sysctls()));
        putIfTrue(f, "init", r.init());
        putIfPresent(f, "stopSignal", r.stopSignal());
        Map<String, Object> ulimits = new TreeMap<>();
        r.ulimits().forEach((k, v) -> ulimits.put(k, v.soft() + ":" + v.hard()));
        putIfNotEmpty(f, "ulimits", ulimits);
        if (r.logging() != null) {
            Map<String, Object> l = new TreeMap<>();
            l.put("driver", r.logging().driver());
            putIfNotEmpty(l, "options", new TreeMap<>(r.logging().options()));
            f.put("logging", l);
        }
    }

    private static void putIfTrue(Map<String, Object> f, String key, boolean value) {
        if (value) {
            f.put(key, "true");
        }
    }

    /** Like the spec: only what differs from Docker's defaults, so a later field leaves existing hashes alone. */
    private static Map<String, Object> healthcheck(HealthCheck h) {
        Map<String, Object> m = new TreeMap<>();
        if (h.exec() != null) {
            m.put("exec", h.exec());
        }
        if (h.http() != null) {
            m.put("http", h.http().port() + h.http().path());
        }
        putIfNotDefault(m, "interval", h.interval(), HealthCheck.DEFAULT_INTERVAL);
        putIfNotDefault(m, "timeout", h.timeout(), HealthCheck.DEFAULT_TIMEOUT);
        putIfNotDefault(m, "startPeriod", h.startPeriod(), HealthCheck.DEFAULT_START_PERIOD);
        if (h.retries() != HealthCheck.DEFAULT_RETRIES) {
            m.put("retries", Integer.toString(h.retries()));
        }
        return m;
    }

    private static void putIfNotDefault(Map<String, Object> m, String key, java.time.Duration d, java.time.Duration dflt) {
        if (!d.equals(dflt)) {
            m.put(key, d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms");
        }
    }

    /** The first 16 hex digits of the SHA-256 of {@link #canonical}: the {@code io.hostlet.spec-hash} label. */
    public static String of(ContainerManifest m) {
        String known = MEMO.get(m);
        if (known == null) {
            known = compute(m);
            MEMO.put(m, known);
        }
        return known;
    }

    private static String compute(ContainerManifest m) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical(m).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The top-level fields that differ between {@code m} and an earlier {@link #canonical} form, sorted;
     * {@code ["unknown"]} when the earlier form is missing or unreadable (a container from an older hostlet).
     */
    public static List<String> changedFields(ContainerManifest m, String earlierCanonical) {
        Map<String, Object> before;
        try {
            before = earlierCanonical == null ? null : JSON.readValue(earlierCanonical, new TypeReference<TreeMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            before = null;
        }
        if (before == null) {
            return List.of("unknown");
        }
        Map<String, Object> now = fields(m);
        TreeSet<String> keys = new TreeSet<>(now.keySet());
        keys.addAll(before.keySet());
        List<String> changed = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(now.get(k), before.get(k))) {
                changed.add(k);
            }
        }
        return changed;
    }

    private static String port(ContainerSpec.PortMapping p) {
        StringBuilder b = new StringBuilder().append(p.containerPort()).append('/').append(p.protocol().name().toLowerCase());
        if (p.hostPort() != null) {
            b.append("->").append(p.hostIP() == null ? "" : p.hostIP() + ":").append(p.hostPort());
        }
        return b.toString();
    }

    private static Map<String, Object> volume(ContainerSpec.VolumeMount v) {
        Map<String, Object> m = new TreeMap<>();
        m.put("mountPath", v.mountPath());
        putIfPresent(m, "name", v.name());
        putIfPresent(m, "hostPath", v.hostPath());
        if (v.readOnly()) {
            m.put("readOnly", "true");
        }
        return m;
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        out.sort(null);
        return out;
    }

    private static void putIfPresent(Map<String, Object> f, String key, String value) {
        if (value != null) {
            f.put(key, value);
        }
    }

    private static void putIfNotEmpty(Map<String, Object> f, String key, Object value) {
        boolean empty = value instanceof Map<?, ?> m ? m.isEmpty() : ((List<?>) value).isEmpty();
        if (!empty) {
            f.put(key, value);
        }
    }

    /** A minimal JSON writer for strings, lists and sorted maps: owned here so no library upgrade can change it. */
    static String json(Object o) {
        StringBuilder b = new StringBuilder();
        write(b, o);
        return b.toString();
    }

    private static void write(StringBuilder b, Object o) {
        if (o instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, e.getKey());
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (o instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else {
            quote(b, (String) o);
        }
    }

    /** Appends {@code s} as a JSON string; error messages quote values the same way. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
