package io.hostlet.policy;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import io.hostlet.manifest.SpecYaml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bind mounts by allowlist, on the real file system: only under the configured roots, resolved component by component
 * without following a link out of the root, checked again at create with the resolved path for the engine, never
 * inside another container's writable bind; engines' sockets and data and hostlet's folders refused whatever the
 * roots say.
 */
class HostPathPolicyTest {

    @TempDir
    Path tmp;

    String srv;

    @BeforeEach
    void aRoot() throws IOException {
        srv = Files.createDirectories(tmp.toRealPath().resolve("srv")).toString();
        Files.createDirectories(Path.of(srv, "site"));
        Files.createDirectories(Path.of(srv, "a"));
    }

    Policy policy(String... roots) {
        return new Policy(Level.baseline, Map.of(), HostRoot.parse(List.of(roots)), List.of(), HostPaths.LOCAL);
    }

    static ContainerManifest manifest(String... specLines) {
        ParseResult r = ManifestParser.parse("web.yaml", SpecYaml.withSpec(specLines));
        assertThat(r.errors()).isEmpty();
        return r.manifests().get(0);
    }

    static ContainerManifest binding(String hostPath, boolean readOnly) {
        return manifest("volumes: [{hostPath: \"" + hostPath + "\", mountPath: /m, readOnly: " + readOnly + "}]");
    }

    static List<String> refusals(Policy p, ContainerManifest m) {
        return p.check(m).stream().map(Violation::message).toList();
    }

    @ParameterizedTest(name = "the default roots refuse {0}")
    @ValueSource(strings = {"/usr", "/bin", "/lib", "/opt", "/opt/hostlet", "/var/spool/cron", "/home", "/home/me/media",
            "/var/lib/containerd", "/var/lib/kubelet", "/mnt/docker-data"})
    void theDefaultRootsRefuseWhatIsNotUnderSrv(String hostPath) {
        Policy p = new Policy(Level.baseline, Map.of(), List.of(), HostPaths.LOCAL);
        assertThat(p.roots()).containsExactly(new HostRoot("/srv", false));
        assertThat(refusals(p, binding(hostPath, false))).singleElement().asString()
                .startsWith("spec.volumes[0].hostPath: refused by policy baseline (rule hostPath)");
        assertThat(refusals(p, binding("/srv/site", false))).isEmpty();
    }

    @ParameterizedTest(name = "always refused, even with / allowed: {0}")
    @ValueSource(strings = {"/var/lib/containerd", "/run/containerd", "/var/lib/kubelet/pods", "/var/lib/docker",
            "/var/lib/containers/storage", "/etc", "/var"})
    void engineAndSystemFoldersAreRefusedWhateverTheRoots(String hostPath) {
        assertThat(refusals(policy("/"), binding(hostPath, true))).singleElement().asString()
                .contains("the container bind-mounts a sensitive host path: " + hostPath);
    }

    @Test
    void outsideTheRootsIsRefusedNamingTheSetting() {
        assertThat(refusals(policy(srv), binding("/usr/lib", true))).containsExactly("spec.volumes[0].hostPath: refused"
                + " by policy baseline (rule hostPath): the container bind-mounts a host path outside the allowed ones:"
                + " /usr/lib (hostlet.policy.host-paths: " + srv + "); only hostlet's configuration can allow it:"
                + " hostlet.policy.allow.\"web\"=hostPath");
        assertThat(refusals(policy("none"), binding(srv + "/site", true))).singleElement().asString()
                .contains("(hostlet.policy.host-paths: none)");
    }

    @Test
    void aReadOnlyRootTakesReadOnlyBindsOnly() {
        assertThat(refusals(policy(srv + ":ro"), binding(srv + "/site", false))).singleElement().asString()
                .contains("bind-mounts writable a path that may only be bound read-only: " + srv + "/site (under " + srv
                        + ":ro; set readOnly: true)");
        assertThat(refusals(policy(srv + ":ro"), binding(srv + "/site", true))).isEmpty();
    }

    @Test
    void aLinkPlantedInABindLeadsNowhere() throws IOException {
        Files.createSymbolicLink(Path.of(srv, "a/link"), Path.of("/"));
        Files.createSymbolicLink(Path.of(srv, "a/tmp"), Path.of("/tmp"));
        assertThat(refusals(policy(srv), binding(srv + "/a/link", true))).singleElement().asString()
                .contains("bind-mounts a sensitive host path: " + srv + "/a/link (reaches /)");
        assertThat(refusals(policy(srv), binding(srv + "/a/tmp", true))).singleElement().asString()
                .contains("cannot be resolved inside its allowed root: " + srv + "/a/tmp: the symlink " + srv
                        + "/a/tmp leads out of " + srv + " (to /tmp)");
    }

    @Test
    void theEnginesSocketAndAnyFolderHoldingOneAreRefusedOutsideRunToo() throws IOException {
        Files.createDirectories(Path.of(srv, "engine/run"));
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(Path.of(srv, "engine/run/docker.sock")));
            assertThat(refusals(policy(srv), binding(srv + "/engine", true))).singleElement().asString()
                    .contains("bind-mounts an engine's socket or a folder holding one: " + srv + "/engine (reaches " + srv
                            + "/engine/run/docker.sock)");
            assertThat(refusals(policy(srv), binding(srv + "/engine/run/docker.sock", true))).hasSize(1);
        }
        // the socket hostlet talks to, whatever its name, is one of the refused paths it is given
        Policy p = new Policy(Level.baseline, Map.of(), HostRoot.parse(List.of(srv)), List.of(srv + "/e/api.sock"),
                HostPaths.LOCAL);
        assertThat(refusals(p, binding(srv + "/e", true))).singleElement().asString().contains("(reaches " + srv + "/e/api.sock)");
        assertThat(refusals(policy(srv), binding(srv + "/me/.colima/default", true))).hasSize(1);
    }

    @Test
    void theDataRootAndHostletsHostFoldersLearnedFromTheEngineAreRefused() {
        Policy p = policy(srv);
        assertThat(refusals(p, binding(srv + "/docker-data", true))).isEmpty();
        p.learn(List.of(srv + "/docker-data", srv + "/hostlet/secrets"));
        assertThat(refusals(p, binding(srv + "/docker-data/volumes", true))).hasSize(1);
        assertThat(refusals(p, binding(srv + "/hostlet", true))).singleElement().asString()
                .contains("(reaches " + srv + "/hostlet/secrets)");
        assertThatThrownBy(() -> p.admit(binding(srv + "/docker-data", true), Map.of())).isInstanceOf(PolicyRefusal.class);
    }

    @Test
    void aBindInsideAnotherOfItsOwnWritableBindsIsRefused() {
        ContainerManifest m = manifest("volumes: [{hostPath: \"" + srv + "/a\", mountPath: /a},"
                + " {hostPath: \"" + srv + "/a/conf\", mountPath: /conf, readOnly: true}]");
        assertThat(refusals(policy(srv), m)).singleElement().asString().startsWith("spec.volumes[1].hostPath: refused")
                .contains("bind-mounts a path inside another of its writable binds: " + srv + "/a/conf (inside"
                        + " spec.volumes[0], " + srv + "/a)");
    }

    @Test
    void admitGivesTheEngineTheResolvedPath() throws IOException {
        Files.createSymbolicLink(Path.of(srv, "current"), Path.of("site"));
        ContainerManifest admitted = policy(srv).admit(binding(srv + "/current", true), Map.of());
        assertThat(admitted.spec().volumes().get(0).hostPath()).isEqualTo(srv + "/site");
        assertThat(admitted.spec().volumes().get(0).mountPath()).isEqualTo("/m");
    }

    @Test
    void admitChecksAgainALinkPlantedAfterTheFileWasRead() throws IOException {
        Policy p = policy(srv);
        Files.createDirectories(Path.of(srv, "a/link"));
        ContainerManifest m = binding(srv + "/a/link", true);
        assertThat(refusals(p, m)).isEmpty(); // when the file was read
        Files.delete(Path.of(srv, "a/link"));
        Files.createSymbolicLink(Path.of(srv, "a/link"), Path.of("/"));
        assertThatThrownBy(() -> p.admit(m, Map.of())).isInstanceOf(PolicyRefusal.class)
                .hasMessageContaining("(reaches /)");
    }

    @Test
    void admitRefusesABindInsideAnotherContainersWritableBind() {
        ContainerManifest m = binding(srv + "/a/x", true);
        assertThatThrownBy(() -> policy(srv).admit(m, Map.of(srv + "/a", "writer")))
                .isInstanceOf(PolicyRefusal.class)
                .hasMessage("spec.volumes[0].hostPath: refused by policy baseline (rule hostPath): the container"
                        + " bind-mounts a path inside another container's writable bind: " + srv + "/a/x (inside " + srv
                        + "/a, writable by writer)");
        // the same folder, shared, is not inside it
        assertThat(policy(srv).admit(binding(srv + "/a", false), Map.of(srv + "/a", "writer"))).isNotNull();
    }

    @Test
    void aRunningContainersBindThatNowLeadsToARefusedPathIsNamed() throws IOException {
        Policy p = policy(srv);
        assertThat(p.plantedLink("web", srv + "/a")).isNull();
        Files.delete(Path.of(srv, "a"));
        Files.createSymbolicLink(Path.of(srv, "a"), Path.of("/etc"));
        assertThat(p.plantedLink("web", srv + "/a")).isEqualTo("its bind mount " + srv + "/a now leads through a"
                + " symlink to /etc (refused by policy baseline: reaches /etc)");
        // a link to an ordinary place is refused at the next create, but stops nothing
        Files.delete(Path.of(srv, "a"));
        Files.createSymbolicLink(Path.of(srv, "a"), Path.of(srv, "site"));
        assertThat(p.plantedLink("web", srv + "/a")).isNull();
        Policy allowed = new Policy(Level.baseline, Policy.parseAllow(Map.of("web", "hostPath")),
                HostRoot.parse(List.of(srv)), List.of(), HostPaths.LOCAL);
        Files.delete(Path.of(srv, "a"));
        Files.createSymbolicLink(Path.of(srv, "a"), Path.of("/etc"));
        assertThat(allowed.plantedLink("web", srv + "/a")).isNull();
    }

    @Test
    void rootsAreParsedWithTheirFlag() {
        assertThat(HostRoot.parse(List.of("/srv", " /data/:ro ", "none"))).containsExactly(new HostRoot("/srv", false),
                new HostRoot("/data", true));
        assertThatThrownBy(() -> HostRoot.parse(List.of("srv"))).hasMessageContaining("not an absolute path");
        assertThatThrownBy(() -> HostRoot.parse(List.of("/srv:rx"))).hasMessageContaining("unknown flag \"rx\"");
    }
}
