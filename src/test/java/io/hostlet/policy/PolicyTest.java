package io.hostlet.policy;

import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each rule of the policy: refused at its level, with file:line:col of the field; allowed by configuration only. */
class PolicyTest {

    /** A made-up host: /var/run links to /run, /srv/sock links to the Docker socket, /data/etc links to /etc. */
    static final HostPaths HOST = new FakeHost(Map.of("/var/run", "/run", "/srv/sock", "/run/docker.sock", "/data/etc", "/etc"));

    /** Folders are the parents of its links; the links are as given; nothing else exists. */
    record FakeHost(Map<String, String> links) implements HostPaths {
        @Override
        public Kind kind(String path) {
            if (links.containsKey(path)) {
                return Kind.LINK;
            }
            return path.equals("/") || links.keySet().stream().anyMatch(l -> l.startsWith(path + "/")) ? Kind.DIRECTORY
                    : Kind.MISSING;
        }

        @Override
        public String link(String path) {
            return links.get(path);
        }

        @Override
        public List<String> children(String dir, int max) {
            return List.of();
        }
    }

    static final List<Path> OWN = List.of(Path.of("/srv/hostlet/manifests"), Path.of("/srv/hostlet/state"));

    static String manifest(String... specLines) {
        return io.hostlet.manifest.SpecYaml.withSpec(specLines);
    }

    static List<String> errors(Policy policy, String yaml) {
        ParseResult parsed = ManifestParser.parse("web.yaml", yaml);
        assertThat(parsed.errors()).isEmpty();
        ParseResult checked = policy.apply(parsed, yaml);
        if (!checked.ok()) {
            assertThat(checked.manifests()).isEmpty(); // a refused file is invalid as a whole
        }
        return checked.errors().stream().map(ManifestError::toString).toList();
    }

    static Policy policy(Level level, String allowed) {
        Map<String, Set<Rule>> allow = allowed == null ? Map.of() : Policy.parseAllow(Map.of("web", allowed));
        return new Policy(level, allow, OWN, HOST);
    }

    static final String HINT = "; only hostlet's configuration can allow it: hostlet.policy.allow.\"web\"=";

    static Stream<Arguments> baselineRules() {
        return Stream.of(
                arguments(Rule.privileged, List.of("securityContext: {privileged: true}"),
                        "web.yaml:7:33: spec.securityContext.privileged: refused by policy baseline (rule privileged): the"
                                + " container runs privileged, with every capability and every host device" + HINT + "privileged"),
                arguments(Rule.hostNetwork, List.of("hostNetwork: true"),
                        "web.yaml:7:16: spec.hostNetwork: refused by policy baseline (rule hostNetwork): the container"
                                + " shares the host's network namespace" + HINT + "hostNetwork"),
                arguments(Rule.hostPID, List.of("hostPID: true"),
                        "web.yaml:7:12: spec.hostPID: refused by policy baseline (rule hostPID): the container sees and"
                                + " may signal every process of the host" + HINT + "hostPID"),
                arguments(Rule.hostIPC, List.of("hostIPC: true"),
                        "web.yaml:7:12: spec.hostIPC: refused by policy baseline (rule hostIPC): the container shares the"
                                + " host's IPC namespace" + HINT + "hostIPC"),
                arguments(Rule.capabilities, List.of("securityContext: {capabilities: {add: [CHOWN, NET_ADMIN]}}"),
                        "web.yaml:7:49: spec.securityContext.capabilities.add[1]: refused by policy baseline (rule"
                                + " capabilities): the container adds capabilities beyond Docker's default set: NET_ADMIN"
                                + HINT + "capabilities"),
                arguments(Rule.devices, List.of("devices: [{hostPath: /dev/dri}]"),
                        "web.yaml:7:24: spec.devices[0].hostPath: refused by policy baseline (rule devices): the container"
                                + " is given host devices: /dev/dri" + HINT + "devices"),
                arguments(Rule.sysctls, List.of("sysctls: {net.ipv4.tcp_syncookies: \"1\", net.core.somaxconn: \"1024\"}"),
                        "web.yaml:7:12: spec.sysctls: refused by policy baseline (rule sysctls): the container " + Rule.sysctls.refusal()
                                + ": net.core.somaxconn" + HINT + "sysctls"),
                arguments(Rule.unconfined, List.of("securityContext: {seccompProfile: {type: Unconfined}}"),
                        "web.yaml:7:44: spec.securityContext.seccompProfile.type: refused by policy baseline (rule"
                                + " unconfined): the container runs without a seccomp or AppArmor profile" + HINT + "unconfined"));
    }

    @ParameterizedTest(name = "baseline refuses {0}")
    @MethodSource("baselineRules")
    void baselineRefusesAtTheField(Rule rule, List<String> lines, String expected) {
        String yaml = manifest(lines.toArray(String[]::new));
        assertThat(errors(policy(Level.baseline, null), yaml)).containsExactly(expected);
        assertThat(errors(policy(Level.restricted, null), yaml)).contains(expected.replace("policy baseline", "policy restricted"));
    }

    @ParameterizedTest(name = "configuration allows {0}")
    @MethodSource("baselineRules")
    void configurationAllowsEachRuleForOneManifest(Rule rule, List<String> lines, String ignored) {
        String yaml = manifest(lines.toArray(String[]::new));
        assertThat(errors(policy(Level.baseline, rule.name()), yaml)).isEmpty();
        assertThat(errors(policy(Level.privileged, null), yaml)).isEmpty();
        // an exception for another manifest lifts nothing for this one
        Policy other = new Policy(Level.baseline, Policy.parseAllow(Map.of("db", rule.name())), OWN, HOST);
        assertThat(errors(other, yaml)).hasSize(1);
    }

    static Stream<Arguments> hostPaths() {
        return Stream.of(
                arguments("/", "/"), arguments("/etc", "/etc"), arguments("/etc/ssl", "/etc"), arguments("/proc", "/proc"),
                arguments("/sys/fs/cgroup", "/sys"), arguments("/dev", "/dev"), arguments("/boot", "/boot"),
                arguments("/root/.ssh", "/root"), arguments("/run", "/run"), arguments("/var/run/docker.sock", "/var/run/docker.sock"),
                arguments("/var/lib/docker/volumes", "/var/lib/docker"), arguments("/var/lib", "/var/lib/docker"),
                arguments("/home/me/podman-docker.sock", "/home/me/podman-docker.sock"),
                arguments("/srv/sock", "/run/docker.sock"), arguments("/data/etc/passwd", "/etc"),
                arguments("/srv/hostlet/manifests", "/srv/hostlet/manifests"), arguments("/srv/hostlet", "/srv/hostlet/manifests"),
                arguments("/srv/hostlet/state/pulled.json", "/srv/hostlet/state"));
    }

    @ParameterizedTest(name = "baseline refuses a bind mount of {0}")
    @MethodSource("hostPaths")
    void sensitiveHostPathsAreRefusedResolvedThroughSymlinks(String hostPath, String reaches) {
        String yaml = manifest("volumes: [{hostPath: \"" + hostPath + "\", mountPath: /m}]");
        List<String> errors = errors(policy(Level.baseline, null), yaml);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("web.yaml:7:24: spec.volumes[0].hostPath: refused by policy baseline (rule"
                + " hostPath): the container bind-mounts a sensitive host path: " + hostPath)
                .contains(hostPath.equals(reaches) ? HINT : "(reaches " + reaches + ")");
        assertThat(errors(policy(Level.baseline, "hostPath"), yaml)).isEmpty();
    }

    @Test
    void ordinaryHostPathsAndDefaultCapabilitiesPass() {
        Policy srvAndTmp = new Policy(Level.baseline, Map.of(), HostRoot.parse(List.of("/srv", "/tmp")),
                OWN.stream().map(Path::toString).toList(), HOST);
        assertThat(errors(srvAndTmp, manifest("volumes: [{hostPath: /srv/site, mountPath: /site},"
                + " {hostPath: /tmp/cache, mountPath: /c}, {hostPath: /srv/hostlet-data, mountPath: /d}]",
                "securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN], drop: [ALL]}}"))).isEmpty();
    }

    @Test
    void kubernetesSafeSysctlsPassBaseline() {
        assertThat(errors(policy(Level.baseline, null), manifest("sysctls: {kernel.shm_rmid_forced: \"1\","
                + " net.ipv4.ip_local_port_range: \"1024 65000\", net/ipv4/ip_unprivileged_port_start: \"0\","
                + " net.ipv4.ping_group_range: \"0 2147483647\", net.ipv4.tcp_keepalive_time: \"60\"}"))).isEmpty();
        assertThat(Policy.SAFE_SYSCTLS).hasSize(10);
    }

    static final String HARDENED = "securityContext: {runAsUser: 1000, readOnlyRootFilesystem: true,"
            + " noNewPrivileges: true, capabilities: {drop: [ALL]}}";

    static Stream<Arguments> restrictedRules() {
        return Stream.of(
                arguments(Rule.runAsNonRoot, manifest("resources: {memory: 64Mi}", HARDENED.replace("runAsUser: 1000", "runAsUser: 0")),
                        "web.yaml:8:32: spec.securityContext.runAsUser: refused by policy restricted (rule runAsNonRoot)"),
                arguments(Rule.runAsNonRoot, manifest("resources: {memory: 64Mi}", "user: root",
                        HARDENED.replace("runAsUser: 1000, ", "")),
                        "web.yaml:8:9: spec.user: refused by policy restricted (rule runAsNonRoot)"),
                arguments(Rule.readOnlyRootFilesystem, manifest("resources: {memory: 64Mi}",
                        HARDENED.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")),
                        "web.yaml:6:3: refused by policy restricted (rule readOnlyRootFilesystem)"),
                arguments(Rule.dropAllCapabilities, manifest("resources: {memory: 64Mi}", HARDENED.replace("drop: [ALL]", "drop: [NET_RAW]")),
                        "web.yaml:6:3: refused by policy restricted (rule dropAllCapabilities)"),
                arguments(Rule.noNewPrivileges, manifest("resources: {memory: 64Mi}", HARDENED.replace("noNewPrivileges: true", "noNewPrivileges: false")),
                        "web.yaml:6:3: refused by policy restricted (rule noNewPrivileges)"),
                arguments(Rule.memoryLimit, manifest(HARDENED),
                        "web.yaml:6:3: refused by policy restricted (rule memoryLimit)"));
    }

    @ParameterizedTest(name = "restricted refuses {0}")
    @MethodSource("restrictedRules")
    void restrictedInsistsOnAHardenedContainer(Rule rule, String yaml, String expectedStart) {
        List<String> errors = errors(policy(Level.restricted, null), yaml);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith(expectedStart);
        assertThat(errors(policy(Level.baseline, null), yaml)).isEmpty();
        assertThat(errors(policy(Level.restricted, rule.name()), yaml)).isEmpty();
    }

    @Test
    void aHardenedContainerPassesRestricted() {
        assertThat(errors(policy(Level.restricted, null), manifest("resources: {memory: 64Mi}", HARDENED))).isEmpty();
        assertThat(errors(policy(Level.restricted, null), manifest("resources: {memory: 64Mi}", "user: \"1000:1000\"",
                HARDENED.replace("runAsUser: 1000, ", "")))).isEmpty();
    }

    /** Docker reads a numeric user part as a uid (Go's Atoi: signs and leading zeros allowed), anything else as a name. */
    @ParameterizedTest(name = "restricted refuses user \"{0}\"")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"00", "0000:0", "+0", "-0", "0:1000", "root", "nobody",
            "app:1000", "1000x", ":1000", "99999999999999999999", " 1000"})
    void restrictedRefusesAUserItCannotVerifyAsNonRoot(String user) {
        String yaml = manifest("resources: {memory: 64Mi}", "user: \"" + user + "\"", HARDENED.replace("runAsUser: 1000, ", ""));
        List<String> errors = errors(policy(Level.restricted, null), yaml);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("web.yaml:8:9: spec.user: refused by policy restricted (rule runAsNonRoot)");
    }

    @ParameterizedTest(name = "restricted accepts user \"{0}\"")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"1000", "+1000", "01000", "1000:0", "65534:65534"})
    void restrictedAcceptsANumericNonZeroUid(String user) {
        String yaml = manifest("resources: {memory: 64Mi}", "user: \"" + user + "\"", HARDENED.replace("runAsUser: 1000, ", ""));
        assertThat(errors(policy(Level.restricted, null), yaml)).isEmpty();
    }

    @Test
    void aUserNameIsRefusedSayingWhy() {
        String yaml = manifest("resources: {memory: 64Mi}", "user: nobody", HARDENED.replace("runAsUser: 1000, ", ""));
        assertThat(errors(policy(Level.restricted, null), yaml).get(0))
                .contains(": \"nobody\" is a name, which only the image's /etc/passwd maps to a uid: give a numeric uid;");
    }

    @Test
    void aFileWithOneRefusedManifestKeepsNone() {
        String yaml = manifest() + "---\n" + manifest("hostNetwork: true").replace("name: web", "name: net");
        ParseResult checked = policy(Level.baseline, null).apply(ManifestParser.parse("two.yaml", yaml), yaml);
        assertThat(checked.manifests()).isEmpty();
        assertThat(checked.errors()).extracting(ManifestError::line).containsExactly(14);
    }

    @Test
    void unknownRulesAndLevelsInTheConfigurationAreNamed() {
        assertThatThrownBy(() -> Policy.parseAllow(Map.of("web", "hostNetwork, hostNet")))
                .hasMessageStartingWith("hostlet.policy.allow.\"web\": unknown rule \"hostNet\" (known: privileged,");
        assertThatThrownBy(() -> Level.parse("strict"))
                .hasMessage("hostlet.policy.level: unknown level \"strict\" (known: restricted, baseline, privileged)");
    }
}
