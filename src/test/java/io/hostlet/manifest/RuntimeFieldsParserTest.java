package io.hostlet.manifest;

import io.hostlet.manifest.RuntimeSpec.Device;
import io.hostlet.manifest.RuntimeSpec.Logging;
import io.hostlet.manifest.RuntimeSpec.Profile;
import io.hostlet.manifest.RuntimeSpec.Tmpfs;
import io.hostlet.manifest.RuntimeSpec.Ulimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The host-facing spec fields ({@link RuntimeSpec}) and {@code suspend}: parsing, errors at their node, the hash. */
class RuntimeFieldsParserTest {

    static String withSpec(String... specLines) {
        return SpecYaml.withSpec(specLines);
    }

    static ContainerManifest single(String yaml) {
        return SpecYaml.single(yaml);
    }

    private static List<String> errors(String yaml) {
        return SpecYaml.errors(yaml);
    }

    @Test
    void readsEveryFieldAtOnce() {
        ContainerManifest m = single(withSpec(
                "hostPID: true",
                "hostIPC: true",
                "securityContext:",
                "  privileged: true",
                "  capabilities: {add: [NET_ADMIN, CAP_SYS_TIME], drop: [ALL]}",
                "  readOnlyRootFilesystem: true",
                "  noNewPrivileges: true",
                "  runAsUser: 1000",
                "  runAsGroup: 100",
                "  seccompProfile: {type: Unconfined}",
                "devices:",
                "  - hostPath: /dev/dri",
                "  - {hostPath: /dev/zero, containerPath: /dev/z, permissions: r}",
                "extraHosts: [\"printer.lan:192.168.1.20\", \"v6.lan:fe80::1\", \"host.docker.internal:host-gateway\"]",
                "hostname: media",
                "dns: [1.1.1.1, \"2606:4700:4700::1111\"]",
                "tmpfs: [{mountPath: /run}, {mountPath: /cache, size: 64Mi}]",
                "shmSize: 256Mi",
                "sysctls: {net.core.somaxconn: \"1024\"}",
                "init: true",
                "stopSignal: SIGINT",
                "ulimits: {nofile: {soft: 1024, hard: 4096}, nproc: 512}",
                "logging: {driver: local, options: {max-size: 20m}}",
                "suspend: true"));
        RuntimeSpec r = m.spec().runtime();
        assertThat(r.hostNetwork()).isFalse();
        assertThat(r.hostPID()).isTrue();
        assertThat(r.hostIPC()).isTrue();
        assertThat(r.securityContext()).isEqualTo(new RuntimeSpec.SecurityContext(true, List.of("NET_ADMIN", "SYS_TIME"),
                List.of("ALL"), true, true, 1000L, 100L, Profile.Unconfined, Profile.RuntimeDefault));
        assertThat(r.devices()).containsExactly(new Device("/dev/dri", "/dev/dri", "rwm"), new Device("/dev/zero", "/dev/z", "r"));
        assertThat(r.extraHosts()).containsExactly("printer.lan:192.168.1.20", "v6.lan:fe80::1",
                "host.docker.internal:host-gateway");
        assertThat(r.hostname()).isEqualTo("media");
        assertThat(r.dns()).containsExactly("1.1.1.1", "2606:4700:4700::1111");
        assertThat(r.tmpfs()).containsExactly(new Tmpfs("/run", null), new Tmpfs("/cache", 64L << 20));
        assertThat(r.shmSizeBytes()).isEqualTo(256L << 20);
        assertThat(r.sysctls()).containsExactly(Map.entry("net.core.somaxconn", "1024"));
        assertThat(r.init()).isTrue();
        assertThat(r.stopSignal()).isEqualTo("SIGINT");
        assertThat(r.ulimits()).containsExactly(Map.entry("nofile", new Ulimit(1024, 4096)), Map.entry("nproc", new Ulimit(512, 512)));
        assertThat(r.logging()).isEqualTo(new Logging("local", Map.of("max-size", "20m")));
        assertThat(m.spec().suspend()).isTrue();
    }

    @Test
    void absentFieldsAreTheDefaults() {
        ContainerManifest m = single(withSpec());
        assertThat(m.spec().runtime()).isEqualTo(RuntimeSpec.NONE);
        assertThat(m.spec().suspend()).isFalse();
    }

    @Test
    void hostNetworkAloneIsFine() {
        assertThat(single(withSpec("hostNetwork: true")).spec().runtime().hostNetwork()).isTrue();
    }

    @Test
    void jsonFileLogsAreRotatedUnlessTheManifestSaysOtherwise() {
        assertThat(Logging.effective(null)).isEqualTo(new Logging("json-file", Map.of("max-size", "10m", "max-file", "3")));
        assertThat(Logging.effective(new Logging("json-file", Map.of("max-size", "50m"))))
                .isEqualTo(new Logging("json-file", Map.of("max-size", "50m", "max-file", "3")));
        assertThat(Logging.effective(new Logging("journald", Map.of()))).isEqualTo(new Logging("journald", Map.of()));
        assertThat(single(withSpec("logging: {options: {max-file: \"5\"}}")).spec().runtime().logging())
                .isEqualTo(new Logging("json-file", Map.of("max-file", "5")));
    }

    static Stream<Arguments> wrongShapes() {
        return Stream.of(
                arguments("hostNetwork with ports", List.of("hostNetwork: true", "ports: [{containerPort: 80}]"),
                        "8:10: spec.ports: cannot be set with hostNetwork: true (the container uses the host's network, names and resolver)"),
                arguments("hostNetwork with networks", List.of("hostNetwork: true", "networks: [app]"),
                        "8:13: spec.networks: cannot be set with hostNetwork: true (the container uses the host's network, names and resolver)"),
                arguments("hostNetwork with hostname", List.of("hostNetwork: true", "hostname: x"),
                        "8:13: spec.hostname: cannot be set with hostNetwork: true (the container uses the host's network, names and resolver)"),
                arguments("hostNetwork with a net sysctl", List.of("hostNetwork: true", "sysctls: {net.ipv4.ip_forward: \"1\"}"),
                        "8:12: spec.sysctls: net.* sysctls cannot be set with hostNetwork: true (they would change the host's), got \"net.ipv4.ip_forward\""),
                arguments("hostNetwork not a boolean", List.of("hostNetwork: \"yes\""),
                        "7:16: spec.hostNetwork: expected true or false, got \"yes\""),
                arguments("securityContext a list", List.of("securityContext: []"),
                        "7:20: spec.securityContext: expected a mapping, got a list"),
                arguments("unknown capability", List.of("securityContext: {capabilities: {add: [net_admin]}}"),
                        "7:42: spec.securityContext.capabilities.add[0]: unknown capability \"net_admin\" (upper case, like NET_ADMIN or ALL)"),
                arguments("unknown securityContext field", List.of("securityContext: {runAsNonRoot: true}"),
                        "7:21: unknown field \"runAsNonRoot\" in spec.securityContext (known: privileged, capabilities, readOnlyRootFilesystem, noNewPrivileges, runAsUser, runAsGroup, seccompProfile, appArmorProfile)"),
                arguments("runAsGroup without runAsUser", List.of("securityContext: {runAsGroup: 100}"),
                        "7:33: spec.securityContext.runAsGroup: needs runAsUser too (Docker sets a group only with a user)"),
                arguments("user and runAsUser", List.of("user: \"1000\"", "securityContext: {runAsUser: 1000}"),
                        "7:9: spec.user: set either user or securityContext.runAsUser, not both"),
                arguments("seccomp profile type", List.of("securityContext: {seccompProfile: {type: Localhost}}"),
                        "7:44: spec.securityContext.seccompProfile.type: expected one of RuntimeDefault, Unconfined, got \"Localhost\""),
                arguments("device without hostPath", List.of("devices: [{containerPath: /dev/x}]"),
                        "7:13: spec.devices[0].hostPath is required"),
                arguments("device relative path", List.of("devices: [{hostPath: dev/dri}]"),
                        "7:24: spec.devices[0].hostPath: expected an absolute path, got \"dev/dri\""),
                arguments("device permissions", List.of("devices: [{hostPath: /dev/zero, permissions: wr}]"),
                        "7:48: spec.devices[0].permissions: expected letters of \"rwm\" in that order (read, write, mknod), got \"wr\""),
                arguments("extraHosts without ip", List.of("extraHosts: [printer.lan]"),
                        "7:16: spec.extraHosts[0]: expected \"hostname:ip\" like \"printer.lan:192.168.1.20\" (or"
                                + " \"hostname:host-gateway\"), got \"printer.lan\""),
                arguments("hostname with a space", List.of("hostname: \"my host\""),
                        "7:13: spec.hostname: expected a host name (letters, digits, '-' and '.'), got \"my host\""),
                arguments("dns a name", List.of("dns: [dns.google]"),
                        "7:9: spec.dns[0]: expected an IPv4 or IPv6 address, got \"dns.google\""),
                arguments("tmpfs relative", List.of("tmpfs: [{mountPath: cache}]"),
                        "7:23: spec.tmpfs[0].mountPath: expected an absolute path, got \"cache\""),
                arguments("tmpfs over a volume", List.of("volumes: [{name: data, mountPath: /data}]", "tmpfs: [{mountPath: /data}]"),
                        "8:10: spec.tmpfs: mountPath \"/data\" is also mounted by spec.volumes[0]"),
                arguments("tmpfs size", List.of("tmpfs: [{mountPath: /c, size: lots}]"),
                        "7:33: spec.tmpfs[0].size: expected bytes like 64Mi or 1G (at least 4096), got \"lots\""),
                arguments("shmSize", List.of("shmSize: 1.5G"),
                        "7:12: spec.shmSize: expected bytes like 64Mi or 1G, got \"1.5G\""),
                arguments("sysctl name", List.of("sysctls: {\"bad name\": \"1\"}"),
                        "7:13: spec.sysctls: expected a sysctl name like net.ipv4.ip_forward, got \"bad name\""),
                arguments("stopSignal", List.of("stopSignal: TERM"),
                        "7:15: spec.stopSignal: expected a signal like SIGTERM, SIGINT or 15, got \"TERM\""),
                arguments("ulimit name", List.of("ulimits: {files: 10}"),
                        "7:13: spec.ulimits: unknown ulimit \"files\" (known: as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)"),
                arguments("ulimit soft over hard", List.of("ulimits: {nofile: {soft: 10, hard: 5}}"),
                        "7:21: spec.ulimits.nofile: soft (10) must not exceed hard (5)"),
                arguments("logging driver", List.of("logging: {driver: elk}"),
                        "7:21: spec.logging.driver: expected one of json-file, local, journald, syslog, gelf, fluentd, awslogs, splunk, gcplogs, loki, etwlogs, none, got \"elk\""),
                arguments("logging option value a list, not shown", List.of("logging: {options: {splunk-token: [a]}}"),
                        "7:37: spec.logging.options.splunk-token: expected a string"),
                arguments("suspend not a boolean", List.of("suspend: 1"),
                        "7:12: spec.suspend: expected true or false, got \"1\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongShapes")
    void wrongShapesAreErrorsAtTheirNode(String name, List<String> lines, String expected) {
        assertThat(errors(withSpec(lines.toArray(String[]::new)))).containsExactly(expected);
    }

    /** Golden: these values are labels on running containers; changing them recreates those containers. */
    @Test
    void newFieldsHaveAPinnedCanonicalForm() {
        ContainerManifest m = single(withSpec(
                "hostPID: true",
                "securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}, readOnlyRootFilesystem: true,"
                        + " noNewPrivileges: true, runAsUser: 1000, runAsGroup: 1000}",
                "devices: [{hostPath: /dev/zero, containerPath: /dev/z, permissions: r}]",
                "extraHosts: [\"b.lan:10.0.0.2\", \"a.lan:10.0.0.1\"]",
                "hostname: media",
                "dns: [9.9.9.9, 1.1.1.1]",
                "tmpfs: [{mountPath: /run, size: 1Mi}, {mountPath: /cache}]",
                "shmSize: 64Mi",
                "sysctls: {net.core.somaxconn: \"1024\"}",
                "init: true",
                "stopSignal: SIGINT",
                "ulimits: {nofile: {soft: 1024, hard: 4096}}",
                "logging: {driver: json-file, options: {max-size: 5m}}"));
        assertThat(SpecHash.canonical(m)).isEqualTo("{\"devices\":[\"/dev/zero:/dev/z:r\"],\"dns\":[\"9.9.9.9\",\"1.1.1.1\"],"
                + "\"extraHosts\":[\"a.lan:10.0.0.1\",\"b.lan:10.0.0.2\"],\"hostPID\":\"true\",\"hostname\":\"media\","
                + "\"image\":\"busybox:1\",\"init\":\"true\",\"logging\":{\"driver\":\"json-file\",\"options\":{\"max-size\":\"5m\"}},"
                + "\"securityContext\":{\"capAdd\":[\"NET_BIND_SERVICE\"],\"capDrop\":[\"ALL\"],\"noNewPrivileges\":\"true\","
                + "\"readOnlyRootFilesystem\":\"true\",\"runAsGroup\":\"1000\",\"runAsUser\":\"1000\"},\"shmSize\":\"67108864\","
                + "\"stopSignal\":\"SIGINT\",\"sysctls\":{\"net.core.somaxconn\":\"1024\"},"
                + "\"tmpfs\":[\"/cache\",\"/run:size=1048576\"],\"ulimits\":{\"nofile\":\"1024:4096\"}}");
        assertThat(SpecHash.of(m)).isEqualTo(GOLDEN_ALL_NEW_FIELDS);
        assertThat(SpecHash.canonical(single(withSpec("hostNetwork: true", "hostIPC: true",
                "securityContext: {privileged: true, appArmorProfile: {type: Unconfined}}"))))
                .isEqualTo("{\"hostIPC\":\"true\",\"hostNetwork\":\"true\",\"image\":\"busybox:1\","
                        + "\"securityContext\":{\"appArmorProfile\":\"Unconfined\",\"privileged\":\"true\"}}");
    }

    static final String GOLDEN_ALL_NEW_FIELDS = "363bf68fb25e2a47";

    @Test
    void newFieldsWrittenAtTheirDefaultLeaveTheHashAlone() {
        String plain = SpecHash.of(single(withSpec()));
        ContainerManifest defaults = single(withSpec(
                "hostNetwork: false", "hostPID: false", "hostIPC: false",
                "securityContext: {privileged: false, readOnlyRootFilesystem: false, noNewPrivileges: false,"
                        + " capabilities: {add: [], drop: []}, seccompProfile: {type: RuntimeDefault}}",
                "devices: []", "extraHosts: []", "dns: []", "tmpfs: []", "sysctls: {}", "init: false", "ulimits: {}",
                "suspend: false"));
        assertThat(SpecHash.of(defaults)).isEqualTo(plain).isEqualTo("5986acb3e7b9e7f3");
    }

    @Test
    void suspendIsNotPartOfTheHash() {
        assertThat(SpecHash.of(single(withSpec("suspend: true")))).isEqualTo(SpecHash.of(single(withSpec())));
    }

    @Test
    void loggingOptionsAreDigestedInTheSpecLabel() {
        ContainerManifest m = single(withSpec("logging: {driver: splunk, options: {splunk-token: s3cr3t-value}}"));
        String label = SpecLabel.write(m, LabelKey.of("0123456789abcdef0123456789abcdef".getBytes()));
        assertThat(label).doesNotContain("s3cr3t-value").contains("\"logging\":");
    }
}
