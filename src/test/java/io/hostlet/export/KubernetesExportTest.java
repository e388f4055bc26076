package io.hostlet.export;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.HealthCheck;
import io.hostlet.manifest.RestartPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes export read back STRICTLY with the official model (unknown fields fail, and no object may have
 * caught one in its additional properties) and compared field by field with the manifests it came from.
 */
class KubernetesExportTest {

    /** Fails on any field the model does not know, as {@code kubectl apply --validate=strict} would. */
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Deployment", Deployment.class, "Job", Job.class, "Service", Service.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"manifests", "src/test/resources/export/all-fields"})
    void everyFileParsesStrictlyAndMatchesItsManifest(String folder) throws Exception {
        DesiredState desired = new FolderSource(Path.of(folder)).read();
        assertThat(desired.errors()).isEmpty();
        ExportResult result = KubernetesExport.export(desired, FieldLines.of(Path.of(folder)));
        assertThat(result.files()).extracting(ExportResult.OutputFile::name).containsExactlyElementsOf(
                desired.containers().keySet().stream().sorted().map(n -> n + ".yaml").toList());
        Map<String, PersistentVolumeClaim> claims = new HashMap<>();
        Map<String, List<HasMetadata>> parsed = new LinkedHashMap<>();
        for (ExportResult.OutputFile file : result.files()) {
            List<HasMetadata> objects = parse(file.content());
            parsed.put(file.name().replace(".yaml", ""), objects);
            objects.stream().filter(o -> o instanceof PersistentVolumeClaim)
                    .forEach(o -> assertThat(claims.put(o.getMetadata().getName(), (PersistentVolumeClaim) o))
                            .as("one claim per named volume").isNull());
        }
        for (ContainerManifest m : desired.containers().values()) {
            matches(m, parsed.get(m.name()));
        }
        desired.containers().values().stream().flatMap(m -> m.spec().volumes().stream())
                .filter(ContainerSpec.VolumeMount::isNamedVolume)
                .forEach(v -> assertThat(claims.get(v.name()).getSpec().getResources().getRequests().get("storage"))
                        .isEqualTo(new Quantity("1Gi")));
    }

    @Test
    void reportsEachFieldWithoutCounterpartAtItsLine() {
        Path folder = Path.of("src/test/resources/export/all-fields");
        ExportResult result = KubernetesExport.export(new FolderSource(folder).read(), FieldLines.of(folder));
        assertThat(result.dropped()).extracting(d -> d.file() + ":" + d.line() + ": " + d.name() + "." + d.field())
                .containsExactly(
                        "app.yaml:21: app.spec.ports[0].hostPort",
                        "app.yaml:21: app.spec.ports[0].hostIP",
                        "app.yaml:22: app.spec.ports[1].hostPort",
                        "app.yaml:27: app.spec.networks",
                        "app.yaml:38: app.spec.dependsOn",
                        "app.yaml:48: db.spec.user",
                        "app.yaml:51: db.spec.networks",
                        "app.yaml:57: tools.kind",
                        "sub/jobs.yaml:9: migrate.spec.restartOnUnhealthy");
    }

    @Test
    void startFirstIsARollingUpdateWithOneExtraPodAndNoneUnavailable() {
        var rolling = KubernetesExport.strategy(true);
        assertThat(rolling.getType()).isEqualTo("RollingUpdate");
        assertThat(rolling.getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(1));
        assertThat(rolling.getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
        assertThat(KubernetesExport.strategy(false).getType()).isEqualTo("Recreate");
    }

    @Test
    void theStrictReaderRefusesAFieldTheModelDoesNotKnow() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: aa}
                spec: {colour: blue}
                """)).isInstanceOfAny(AssertionError.class, IllegalArgumentException.class);
    }

    static List<HasMetadata> parse(String yaml) throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            Map<?, ?> map = (Map<?, ?>) doc;
            Class<? extends HasMetadata> type = KINDS.get((String) map.get("kind"));
            assertThat(type).as("kind " + map.get("kind")).isNotNull();
            HasMetadata object = STRICT.convertValue(map, type);
            noAdditionalProperties(object, "", java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
            out.add(object);
        }
        return out;
    }

    /** fabric8 keeps unknown fields in {@code additionalProperties} rather than failing: none may be there. */
    static void noAdditionalProperties(Object o, String path, Set<Object> seen) throws Exception {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8") || !seen.add(o)) {
            return;
        }
        for (PropertyDescriptor p : Introspector.getBeanInfo(o.getClass()).getPropertyDescriptors()) {
            Method getter = p.getReadMethod();
            if (getter == null || getter.getParameterCount() > 0) {
                continue;
            }
            Object value = getter.invoke(o);
            if (p.getName().equals("additionalProperties")) {
                assertThat((Map<?, ?>) value).as("unknown fields at " + path).isNullOrEmpty();
            } else if (value instanceof Collection<?> c) {
                for (Object item : c) {
                    noAdditionalProperties(item, path + "." + p.getName() + "[]", seen);
                }
            } else if (value instanceof Map<?, ?> m) {
                for (Object item : m.values()) {
                    noAdditionalProperties(item, path + "." + p.getName() + "{}", seen);
                }
            } else {
                noAdditionalProperties(value, path + "." + p.getName(), seen);
            }
        }
    }

    /** Every field of {@code m} against the objects of its file. */
    static void matches(ContainerManifest m, List<HasMetadata> objects) {
        ContainerSpec spec = m.spec();
        HasMetadata workload = objects.get(0);
        PodTemplateSpec template;
        if (spec.restartPolicy() == RestartPolicy.Always) {
            Deployment d = (Deployment) workload;
            assertThat(d.getSpec().getReplicas()).isEqualTo(1);
            assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
            assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of(KubernetesExport.NAME_LABEL, m.name()));
            template = d.getSpec().getTemplate();
        } else {
            template = ((Job) workload).getSpec().getTemplate();
        }
        assertThat(workload.getMetadata().getName()).isEqualTo(m.name());
        Map<String, String> labels = new HashMap<>(m.labels());
        labels.put(KubernetesExport.NAME_LABEL, m.name());
        Map<String, String> carried = new HashMap<>(workload.getMetadata().getLabels());
        if (workload.getMetadata().getAnnotations() != null) {
            carried.putAll(workload.getMetadata().getAnnotations()); // values Kubernetes refuses as labels
        }
        assertThat(carried).isEqualTo(labels);
        assertThat(template.getMetadata().getLabels()).isEqualTo(workload.getMetadata().getLabels());

        PodSpec pod = template.getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo(spec.restartPolicy().name());
        assertThat(pod.getTerminationGracePeriodSeconds())
                .isEqualTo((long) Math.ceil(spec.stopGracePeriod().toMillis() / 1000.0));
        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().get(0);
        assertThat(c.getName()).isEqualTo(m.name());
        assertThat(c.getImage()).isEqualTo(spec.image());
        assertThat(c.getImagePullPolicy()).isEqualTo(spec.imagePullPolicy().name());
        assertThat(unescape(c.getCommand())).isEqualTo(spec.command());
        assertThat(unescape(c.getArgs())).isEqualTo(spec.args());
        assertThat(c.getWorkingDir()).isEqualTo(spec.workingDir());
        if (spec.user() != null && spec.user().matches("\\d+(:\\d+)?")) {
            String[] ids = spec.user().split(":");
            assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(ids[0]));
            assertThat(c.getSecurityContext().getRunAsGroup()).isEqualTo(ids.length > 1 ? Long.parseLong(ids[1]) : null);
        } else {
            assertThat(c.getSecurityContext()).isNull();
        }
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValue().replace("$$(", "$("))
                .containsExactlyElementsOf(spec.env().stream().map(e -> e.name() + "=" + e.value()).toList());
        assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
        assertThat(c.getPorts()).extracting(p -> p.getContainerPort() + "/" + p.getProtocol())
                .containsExactlyElementsOf(spec.ports().stream().map(p -> p.containerPort() + "/" + p.protocol()).toList());
        assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
        Service service = (Service) objects.stream().filter(o -> o instanceof Service).findFirst().orElse(null);
        if (spec.ports().isEmpty()) {
            assertThat(service).isNull();
        } else {
            assertThat(service.getSpec().getSelector()).isEqualTo(Map.of(KubernetesExport.NAME_LABEL, m.name()));
            assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort() + ">" + p.getTargetPort().getIntVal() + "/" + p.getProtocol())
                    .containsExactlyElementsOf(spec.ports().stream()
                            .map(p -> p.containerPort() + ">" + p.containerPort() + "/" + p.protocol()).toList());
        }
        List<String> mounts = new ArrayList<>();
        for (var mount : c.getVolumeMounts()) {
            var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            String source = volume.getPersistentVolumeClaim() != null ? "claim:" + volume.getPersistentVolumeClaim().getClaimName()
                    : "host:" + volume.getHostPath().getPath();
            mounts.add(source + ">" + mount.getMountPath() + (Boolean.TRUE.equals(mount.getReadOnly()) ? ":ro" : ""));
        }
        assertThat(mounts).containsExactlyElementsOf(spec.volumes().stream().map(v -> (v.isNamedVolume() ? "claim:" + v.name()
                : "host:" + v.hostPath()) + ">" + v.mountPath() + (v.readOnly() ? ":ro" : "")).toList());
        Map<String, Quantity> limits = c.getResources() == null ? Map.of() : c.getResources().getLimits();
        if (spec.resources().memoryBytes() != null) {
            assertThat(Quantity.getAmountInBytes(limits.get("memory")).longValueExact()).isEqualTo(spec.resources().memoryBytes());
        } else {
            assertThat(limits).doesNotContainKey("memory");
        }
        if (spec.resources().cpus() != null) {
            assertThat(Quantity.getAmountInBytes(limits.get("cpu")).doubleValue()).isEqualTo(spec.resources().cpus());
        } else {
            assertThat(limits).doesNotContainKey("cpu");
        }
        HealthCheck h = spec.healthcheck();
        if (h == null) {
            assertThat(c.getReadinessProbe()).isNull();
            assertThat(c.getLivenessProbe()).isNull();
        } else {
            probe(c.getReadinessProbe(), h);
            if (spec.restartOnUnhealthy()) {
                probe(c.getLivenessProbe(), h);
            } else {
                assertThat(c.getLivenessProbe()).isNull();
            }
        }
    }

    /** What Kubernetes makes of {@code $$(}: a literal {@code $(}. */
    static List<String> unescape(List<String> texts) {
        return texts.stream().map(t -> t.replace("$$(", "$(")).toList();
    }

    @Test
    void dollarParenIsEscapedSoKubernetesDoesNotExpandIt() {
        assertThat(KubernetesExport.escape("echo $(date) $HOME $$(x)")).isEqualTo("echo $$(date) $HOME $$$(x)");
    }

    static void probe(Probe p, HealthCheck h) {
        if (h.exec() != null) {
            assertThat(p.getExec().getCommand()).isEqualTo(h.exec());
        } else {
            assertThat(p.getHttpGet().getPort()).isEqualTo(new IntOrString(h.http().port()));
            assertThat(p.getHttpGet().getPath()).isEqualTo(h.http().path());
        }
        assertThat(p.getPeriodSeconds()).isEqualTo((int) Math.ceil(h.interval().toMillis() / 1000.0));
        assertThat(p.getTimeoutSeconds()).isEqualTo((int) Math.ceil(h.timeout().toMillis() / 1000.0));
        assertThat(p.getFailureThreshold()).isEqualTo(h.retries());
        assertThat(p.getInitialDelaySeconds()).isEqualTo(h.startPeriod().isZero() ? null
                : (int) Math.ceil(h.startPeriod().toMillis() / 1000.0));
    }
}
