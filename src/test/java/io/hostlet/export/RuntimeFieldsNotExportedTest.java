package io.hostlet.export;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.policy.HostPaths;
import io.hostlet.policy.Level;
import io.hostlet.policy.Policy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host-facing fields export does not carry over yet are each reported, at their line, in both formats; none is
 * dropped silently. (Read under the privileged policy level: what may run is the service's question, not export's.)
 */
class RuntimeFieldsNotExportedTest {

    static final Path FOLDER = Path.of("src/test/resources/export/runtime-fields");

    static final List<String> EXPECTED = List.of(
            "media.yaml:6: media.spec.hostPID", "media.yaml:7: media.spec.hostIPC",
            "media.yaml:8: media.spec.securityContext", "media.yaml:11: media.spec.extraHosts",
            "media.yaml:12: media.spec.hostname", "media.yaml:13: media.spec.dns", "media.yaml:14: media.spec.tmpfs",
            "media.yaml:15: media.spec.shmSize", "media.yaml:16: media.spec.sysctls", "media.yaml:17: media.spec.init",
            "media.yaml:18: media.spec.stopSignal", "media.yaml:19: media.spec.ulimits",
            "media.yaml:20: media.spec.logging", "media.yaml:21: media.spec.suspend",
            "media.yaml:28: host.spec.hostNetwork", "media.yaml:29: host.spec.devices");

    private static List<String> reported(ExportResult r) {
        return r.dropped().stream().map(d -> d.file() + ":" + d.line() + ": " + d.name() + "." + d.field()).toList();
    }

    @Test
    void everyRuntimeFieldSetIsReportedInBothFormats() {
        DesiredState desired = new FolderSource(FOLDER,
                new Policy(Level.privileged, Map.of(), List.of(), HostPaths.LOCAL)).read();
        assertThat(desired.errors()).isEmpty();
        FieldLines lines = FieldLines.of(FOLDER);

        assertThat(reported(ComposeExport.export(desired, lines))).containsAll(EXPECTED);
        assertThat(reported(KubernetesExport.export(desired, lines))).containsAll(EXPECTED);
    }

    @Test
    void whatComesFromFilesIsReportedAndNoContentIsExported(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        Path manifests = java.nio.file.Files.createDirectories(root.resolve("m"));
        Path secrets = java.nio.file.Files.createDirectories(root.resolve("s"));
        java.nio.file.Files.writeString(secrets.resolve("pw"), "s3cret-pw");
        java.nio.file.Files.writeString(secrets.resolve("app.env"), "K=s3cret-env");
        java.nio.file.Files.writeString(manifests.resolve("app.conf"), "x");
        java.nio.file.Files.writeString(manifests.resolve("app.yaml"), """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: app}
                spec:
                  image: busybox:1
                  env:
                    - {name: MODE, value: prod}
                    - {name: PW, valueFrom: {file: pw}}
                  envFrom: [{file: app.env}]
                  files: [{source: app.conf, mountPath: /etc/app.conf}]
                  secrets: [{source: pw, mountPath: /run/secrets/pw}]
                """);
        DesiredState desired = new FolderSource(manifests, Policy.baseline(),
                new io.hostlet.desired.SourceFiles(secrets, List.of())).read();
        assertThat(desired.errors()).isEmpty();
        FieldLines lines = FieldLines.of(manifests);
        for (ExportResult r : List.of(ComposeExport.export(desired, lines), KubernetesExport.export(desired, lines))) {
            assertThat(reported(r)).contains("app.yaml:8: app.spec.env[1].valueFrom", "app.yaml:9: app.spec.envFrom",
                    "app.yaml:10: app.spec.files", "app.yaml:11: app.spec.secrets");
            assertThat(r.toString()).doesNotContain("s3cret");
        }
    }
}
