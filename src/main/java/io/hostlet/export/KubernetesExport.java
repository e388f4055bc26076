package io.hostlet.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.hostlet.desired.DesiredState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.ContainerSpec.PortMapping;
import io.hostlet.manifest.HealthCheck;
import io.hostlet.manifest.RestartPolicy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a desired state into Kubernetes objects, one file per container manifest ({@code <name>.yaml}): a Deployment
 * with one replica for {@code restartPolicy: Always}, a Job for {@code OnFailure} and {@code Never} (run to
 * completion); a Service for its ports; a PersistentVolumeClaim for each named volume it is the first (by name) to
 * mount. The objects are built with the official model (fabric8), so only fields the Kubernetes schema has can be
 * written; what has no counterpart is reported.
 *
 * <p>The update strategy is {@code Recreate}: hostlet stops the old container before it starts the new one. (A
 * manifest field choosing start-first would map to RollingUpdate, maxSurge 1, maxUnavailable 0; the format has no
 * such field yet.) The manifest format has no secrets, env files or config files, so no Secret or ConfigMap
 * references are written; env values are the manifest's own text.
 */
public final class KubernetesExport {

    /** The label every object carries and every selector matches: the manifest's name. */
    public static final String NAME_LABEL = "app.kubernetes.io/name";

    /** A named volume has no size under Docker; a claim must ask for one. Documented in docs/beyond-one-host.md. */
    public static final String CLAIM_SIZE = "1Gi";

    private static final Pattern LABEL_NAME = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern NUMERIC_USER = Pattern.compile("(\\d+)(?::(\\d+))?");

    private KubernetesExport() {
    }

    /** The objects for every container, by manifest name (sorted), and the fields left out. */
    public static Objects objects(DesiredState desired, FieldLines lines) {
        List<Dropped> dropped = new ArrayList<>();
        Map<String, List<HasMetadata>> byName = new LinkedHashMap<>();
        Set<String> claimed = new LinkedHashSet<>();
        List<ContainerManifest> containers = new ArrayList<>(desired.containers().values());
        containers.sort(Comparator.comparing(ContainerManifest::name));
        for (ContainerManifest m : containers) {
            byName.put(m.name(), objects(m, new ComposeExport.Reporter(m, lines, dropped), claimed));
        }
        ComposeExport.images(desired, lines, dropped);
        return new Objects(byName, dropped);
    }

    /** One file per container manifest, {@code <name>.yaml}, its objects separated by {@code ---}. */
    public static ExportResult export(DesiredState desired, FieldLines lines) {
        Objects objects = objects(desired, lines);
        List<ExportResult.OutputFile> files = new ArrayList<>();
        objects.byName().forEach((name, list) -> files.add(new ExportResult.OutputFile(name + ".yaml", yaml(list))));
        return new ExportResult(files, objects.dropped());
    }

    /** The objects of an export before they are written, for tests and callers that want the model. */
    public record Objects(Map<String, List<HasMetadata>> byName, List<Dropped> dropped) {}

    /** Jackson as the model's own annotations want it; absent and empty fields are left out. */
    public static ObjectMapper mapper() {
        return new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    @SuppressWarnings("unchecked")
    static String yaml(List<HasMetadata> objects) {
        ObjectMapper mapper = mapper();
        StringBuilder out = new StringBuilder();
        for (HasMetadata o : objects) {
            if (!out.isEmpty()) {
                out.append("---\n");
            }
            out.append(ComposeExport.dump(mapper.convertValue(o, LinkedHashMap.class)));
        }
        return out.toString();
    }

    private static List<HasMetadata> objects(ContainerManifest m, ComposeExport.Reporter report, Set<String> claimed) {
        ContainerSpec spec = m.spec();
        RuntimeFieldsNotExported.report(spec, report);
        ObjectMeta meta = meta(m);
        List<HasMetadata> out = new ArrayList<>();
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withMetadata(new ObjectMetaBuilder().withLabels(meta.getLabels()).withAnnotations(meta.getAnnotations()).build())
                .withSpec(pod(m, report))
                .build();
        if (spec.restartPolicy() == RestartPolicy.Always) {
            out.add(new DeploymentBuilder()
                    .withMetadata(meta)
                    .withNewSpec()
                    .withReplicas(1)
                    .withNewSelector().withMatchLabels(Map.of(NAME_LABEL, m.name())).endSelector()
                    .withStrategy(strategy(false))
                    .withTemplate(template)
                    .endSpec()
                    .build());
        } else {
            out.add(new JobBuilder()
                    .withMetadata(meta)
                    .withNewSpec().withTemplate(template).endSpec()
                    .build());
        }
        List<ServicePort> ports = new ArrayList<>();
        for (int i = 0; i < spec.ports().size(); i++) {
            PortMapping p = spec.ports().get(i);
            String protocol = p.protocol().name();
            ports.add(new ServicePortBuilder()
                    .withName(protocol.toLowerCase(Locale.ROOT) + "-" + p.containerPort())
                    .withPort(p.containerPort())
                    .withTargetPort(new IntOrString(p.containerPort()))
                    .withProtocol(protocol)
                    .build());
            if (p.hostPort() != null) {
                report.drop("a Service is reached inside the cluster on the container's port; publish it with a"
                        + " NodePort or LoadBalancer Service or an Ingress", "spec", "ports", i, "hostPort");
            }
            if (p.hostIP() != null) {
                report.drop("a Service has no bind address", "spec", "ports", i, "hostIP");
            }
        }
        if (!ports.isEmpty()) {
            out.add(new ServiceBuilder()
                    .withMetadata(meta(m))
                    .withNewSpec().withSelector(Map.of(NAME_LABEL, m.name())).withPorts(ports).endSpec()
                    .build());
        }
        for (ContainerSpec.VolumeMount v : spec.volumes()) {
            if (v.isNamedVolume() && claimed.add(v.name())) {
                out.add(new PersistentVolumeClaimBuilder()
                        .withNewMetadata().withName(v.name()).endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources().withRequests(Map.of("storage", new Quantity(CLAIM_SIZE))).endResources()
                        .endSpec()
                        .build());
            }
        }
        return out;
    }

    /** RollingUpdate with one extra pod and none unavailable for start-first, else Recreate (hostlet's way). */
    static DeploymentStrategy strategy(boolean startFirst) {
        if (!startFirst) {
            return new DeploymentStrategyBuilder().withType("Recreate").build();
        }
        return new DeploymentStrategyBuilder().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0)).endRollingUpdate()
                .build();
    }

    /** Name, the name label, and the manifest's labels; those Kubernetes refuses as labels go to annotations. */
    private static ObjectMeta meta(ContainerManifest m) {
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> annotations = new TreeMap<>();
        m.labels().forEach((k, v) -> {
            if (LABEL_NAME.matcher(k).matches() && k.length() <= 253 && LABEL_VALUE.matcher(v).matches()) {
                labels.put(k, v);
            } else {
                annotations.put(k, v);
            }
        });
        labels.put(NAME_LABEL, m.name());
        return new ObjectMetaBuilder().withName(m.name()).withLabels(labels)
                .withAnnotations(annotations.isEmpty() ? null : annotations).build();
    }

    private static PodSpec pod(ContainerManifest m, ComposeExport.Reporter report) {
        ContainerSpec spec = m.spec();
        ContainerBuilder c = new ContainerBuilder()
                .withName(m.name())
                .withImage(spec.image())
                .withImagePullPolicy(spec.imagePullPolicy().name());
        if (!spec.command().isEmpty()) {
            c.withCommand(escape(spec.command()));
        }
        if (!spec.args().isEmpty()) {
            c.withArgs(escape(spec.args()));
        }
        c.withWorkingDir(spec.workingDir());
        if (spec.user() != null) {
            var user = NUMERIC_USER.matcher(spec.user());
            if (user.matches()) {
                c.withSecurityContext(new SecurityContextBuilder()
                        .withRunAsUser(Long.parseLong(user.group(1)))
                        .withRunAsGroup(user.group(2) == null ? null : Long.parseLong(user.group(2)))
                        .build());
            } else {
                report.drop("runAsUser takes a number: write the uid", "spec", "user");
            }
        }
        List<EnvVar> env = new ArrayList<>();
        spec.env().forEach(e -> env.add(new EnvVar(e.name(), escape(e.value()), null)));
        if (!env.isEmpty()) {
            c.withEnv(env);
        }
        List<ContainerPort> ports = new ArrayList<>();
        spec.ports().forEach(p -> ports.add(new ContainerPortBuilder().withContainerPort(p.containerPort())
                .withProtocol(p.protocol().name()).build()));
        if (!ports.isEmpty()) {
            c.withPorts(ports);
        }
        List<VolumeMount> mounts = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        for (int i = 0; i < spec.volumes().size(); i++) {
            ContainerSpec.VolumeMount v = spec.volumes().get(i);
            String volume = v.isNamedVolume() ? v.name() : "host-" + i;
            mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(v.mountPath())
                    .withReadOnly(v.readOnly() ? Boolean.TRUE : null).build());
            volumes.add(v.isNamedVolume()
                    ? new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim().withClaimName(v.name()).endPersistentVolumeClaim().build()
                    : new VolumeBuilder().withName(volume).withNewHostPath().withPath(v.hostPath()).endHostPath().build());
        }
        if (!mounts.isEmpty()) {
            c.withVolumeMounts(mounts);
        }
        if (spec.resources().memoryBytes() != null || spec.resources().cpus() != null) {
            Map<String, Quantity> limits = new TreeMap<>();
            if (spec.resources().cpus() != null) {
                limits.put("cpu", new Quantity(Units.quantityCpus(spec.resources().cpus())));
            }
            if (spec.resources().memoryBytes() != null) {
                limits.put("memory", new Quantity(Units.quantityBytes(spec.resources().memoryBytes())));
            }
            c.withResources(new ResourceRequirementsBuilder().withLimits(limits).build());
        }
        HealthCheck h = spec.healthcheck();
        if (h != null) {
            // hostlet shows health and orders starts by it (readiness); it restarts on it only when asked (liveness).
            c.withReadinessProbe(probe(h));
            if (spec.restartOnUnhealthy()) {
                c.withLivenessProbe(probe(h));
            }
        } else if (spec.restartOnUnhealthy()) {
            report.drop("Kubernetes ignores an image's own HEALTHCHECK: add a healthcheck to get a liveness probe",
                    "spec", "restartOnUnhealthy");
        }
        if (!spec.networks().isEmpty()) {
            report.drop("pods share one cluster network: containers reach each other through Services, which exist"
                    + " only for the ports a manifest lists", "spec", "networks");
        }
        if (!spec.dependsOn().isEmpty()) {
            report.drop("Kubernetes has no start order: wait in an init container or in the program", "spec", "dependsOn");
        }
        Container container = c.build();
        PodSpecBuilder pod = new PodSpecBuilder().withContainers(container)
                .withRestartPolicy(spec.restartPolicy().name());
        if (!volumes.isEmpty()) {
            pod.withVolumes(volumes);
        }
        // Always written: Kubernetes' default (30s) is not hostlet's (10s).
        pod.withTerminationGracePeriodSeconds((long) Units.seconds(spec.stopGracePeriod(), 0));
        return pod.build();
    }

    /**
     * Kubernetes expands {@code $(VAR)} in command, args and env values; hostlet passes text as written, so
     * {@code $(} is written {@code $$(}, which Kubernetes turns back into {@code $(}.
     */
    static String escape(String text) {
        return text.replace("$(", "$$(");
    }

    private static List<String> escape(List<String> texts) {
        return texts.stream().map(KubernetesExport::escape).toList();
    }

    private static Probe probe(HealthCheck h) {
        ProbeBuilder p = new ProbeBuilder()
                .withPeriodSeconds(Units.seconds(h.interval(), 1))
                .withTimeoutSeconds(Units.seconds(h.timeout(), 1))
                .withFailureThreshold(h.retries());
        if (!h.startPeriod().isZero()) {
            p.withInitialDelaySeconds(Units.seconds(h.startPeriod(), 0));
        }
        if (h.exec() != null) {
            p.withNewExec().withCommand(h.exec()).endExec();
        } else {
            p.withNewHttpGet().withPort(new IntOrString(h.http().port())).withPath(h.http().path()).endHttpGet();
        }
        return p.build();
    }
}
