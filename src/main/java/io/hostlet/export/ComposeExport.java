package io.hostlet.export;

import io.hostlet.desired.DesiredState;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.ContainerSpec.PortMapping;
import io.hostlet.manifest.ContainerSpec.VolumeMount;
import io.hostlet.manifest.HealthCheck;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.PullPolicy;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a desired state into one stack file for {@code docker stack deploy} (compose file format 3.8, Docker
 * Swarm). Each container becomes a service with one replica; what Swarm has no field for is reported, never
 * silently dropped.
 *
 * <p>Choices a reader may question: published ports use {@code mode: host} (bound on the node that runs the task,
 * as hostlet binds on its host) rather than the routing mesh; named volumes keep their name ({@code name:}), so a
 * stack deployed on the same host finds hostlet's data instead of a {@code <stack>_<name>} copy; networks are
 * declared as overlay networks and services use {@code endpoint_mode: dnsrr} (containers reach each other by service
 * name, resolved to the task itself, as by container name under hostlet).
 */
public final class ComposeExport {

    /** The name of the one file this export writes. */
    public static final String FILE = "stack.yaml";

    private ComposeExport() {
    }

    /** The stack file for every container in {@code desired} (sorted by name) and the fields left out. */
    public static ExportResult export(DesiredState desired, FieldLines lines) {
        List<Dropped> dropped = new ArrayList<>();
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> volumes = new TreeMap<>();
        TreeSet<String> networks = new TreeSet<>();
        List<ContainerManifest> containers = new ArrayList<>(desired.containers().values());
        containers.sort(Comparator.comparing(ContainerManifest::name));
        for (ContainerManifest m : containers) {
            services.put(m.name(), service(m, lines, dropped, volumes, networks));
        }
        images(desired, lines, dropped);
        Map<String, Object> stack = new LinkedHashMap<>();
        stack.put("version", "3.8");
        stack.put("services", services);
        if (!networks.isEmpty()) {
            Map<String, Object> declared = new LinkedHashMap<>();
            // overlay is what a stack's networks must be; nothing else is set that Swarm might refuse.
            networks.forEach(n -> declared.put(n, Map.of("driver", "overlay")));
            stack.put("networks", declared);
        }
        if (!volumes.isEmpty()) {
            stack.put("volumes", volumes);
        }
        return new ExportResult(List.of(new ExportResult.OutputFile(FILE, dump(escapeDollars(stack)))), dropped);
    }

    /** Image manifests run nothing; Swarm has no "keep this image present" object. */
    static void images(DesiredState desired, FieldLines lines, List<Dropped> dropped) {
        desired.images().values().stream().sorted(Comparator.comparing(ImageManifest::name)).forEach(i ->
                dropped.add(new Dropped(i.source().file(), lines.line(i.source(), "kind"), i.name(), "kind",
                        "kind Image has no counterpart: a node pulls an image when a task needs it")));
    }

    private static Map<String, Object> service(ContainerManifest m, FieldLines lines, List<Dropped> dropped,
                                               Map<String, Object> volumes, TreeSet<String> networks) {
        ContainerSpec spec = m.spec();
        Reporter report = new Reporter(m, lines, dropped);
        RuntimeFieldsNotExported.report(spec, report);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("image", spec.image());
        if (spec.imagePullPolicy() == PullPolicy.Never) {
            report.drop("Swarm has no per-service pull policy: load the image on every node and deploy with"
                    + " --resolve-image never", "spec", "imagePullPolicy");
        }
        if (!spec.command().isEmpty()) {
            s.put("entrypoint", spec.command());
        }
        if (!spec.args().isEmpty()) {
            s.put("command", spec.args());
        }
        if (spec.workingDir() != null) {
            s.put("working_dir", spec.workingDir());
        }
        if (spec.user() != null) {
            s.put("user", spec.user());
        }
        if (!spec.env().isEmpty()) {
            Map<String, Object> env = new LinkedHashMap<>();
            spec.env().forEach(e -> env.put(e.name(), e.value()));
            s.put("environment", env);
        }
        List<Object> ports = new ArrayList<>();
        List<Object> expose = new ArrayList<>();
        for (int i = 0; i < spec.ports().size(); i++) {
            PortMapping p = spec.ports().get(i);
            String protocol = p.protocol().name().toLowerCase(java.util.Locale.ROOT);
            if (p.hostPort() == null) {
                expose.add(p.containerPort() + "/" + protocol);
                continue;
            }
            Map<String, Object> port = new LinkedHashMap<>();
            port.put("target", p.containerPort());
            port.put("published", p.hostPort());
            port.put("protocol", protocol);
            port.put("mode", "host");
            ports.add(port);
            if (p.hostIP() != null) {
                report.drop("Swarm publishes on every address of the node; firewall the port instead",
                        "spec", "ports", i, "hostIP");
            }
        }
        if (!expose.isEmpty()) {
            s.put("expose", expose);
        }
        if (!ports.isEmpty()) {
            s.put("ports", ports);
        }
        if (!spec.volumes().isEmpty()) {
            List<Object> mounts = new ArrayList<>();
            for (VolumeMount v : spec.volumes()) {
                Map<String, Object> mount = new LinkedHashMap<>();
                mount.put("type", v.isNamedVolume() ? "volume" : "bind");
                mount.put("source", v.isNamedVolume() ? v.name() : v.hostPath());
                mount.put("target", v.mountPath());
                if (v.readOnly()) {
                    mount.put("read_only", true);
                }
                mounts.add(mount);
                if (v.isNamedVolume()) {
                    volumes.put(v.name(), Map.of("name", v.name()));
                }
            }
            s.put("volumes", mounts);
        }
        if (!spec.networks().isEmpty()) {
            s.put("networks", spec.networks());
            networks.addAll(spec.networks());
        }
        if (spec.healthcheck() != null) {
            s.put("healthcheck", healthcheck(spec.healthcheck()));
        }
        if (spec.restartOnUnhealthy() && spec.healthcheck() == null) {
            report.drop("Swarm replaces an unhealthy task whenever the image has a HEALTHCHECK; nothing to set",
                    "spec", "restartOnUnhealthy");
        }
        if (!spec.stopGracePeriod().equals(ContainerSpec.DEFAULT_STOP_GRACE)) {
            s.put("stop_grace_period", duration(spec.stopGracePeriod()));
        }
        if (!m.labels().isEmpty()) {
            s.put("labels", new TreeMap<>(m.labels()));
        }
        Map<String, Object> deploy = new LinkedHashMap<>();
        deploy.put("replicas", 1);
        // A name resolves to the task itself, as a container name does on a Docker network: no virtual IP (whose
        // IPVS load balancer one replica does not need, and which some kernels lack). Allowed with host-mode ports.
        deploy.put("endpoint_mode", "dnsrr");
        deploy.put("restart_policy", Map.of("condition", switch (spec.restartPolicy()) {
            case Always -> "any";
            case OnFailure -> "on-failure";
            case Never -> "none";
        }));
        if (spec.resources().memoryBytes() != null || spec.resources().cpus() != null) {
            Map<String, Object> limits = new LinkedHashMap<>();
            if (spec.resources().cpus() != null) {
                limits.put("cpus", Units.cpus(spec.resources().cpus()));
            }
            if (spec.resources().memoryBytes() != null) {
                limits.put("memory", Units.composeBytes(spec.resources().memoryBytes()));
            }
            deploy.put("resources", Map.of("limits", limits));
        }
        s.put("deploy", deploy);
        if (!spec.dependsOn().isEmpty()) {
            report.drop("docker stack deploy ignores depends_on: a service must wait for its dependencies itself",
                    "spec", "dependsOn");
        }
        return s;
    }

    private static Map<String, Object> healthcheck(HealthCheck h) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> test = new ArrayList<>();
        test.add("CMD");
        test.addAll(h.command());
        out.put("test", test);
        out.put("interval", duration(h.interval()));
        out.put("timeout", duration(h.timeout()));
        out.put("retries", h.retries());
        out.put("start_period", duration(h.startPeriod()));
        return out;
    }

    /**
     * Every string value with {@code $} doubled: docker stack deploy interpolates {@code $VAR} in every value of a
     * stack file (and refuses {@code $((...))}), while hostlet passes text as written, so the shell in a command
     * sees what the manifest says.
     */
    @SuppressWarnings("unchecked")
    static <T> T escapeDollars(T value) {
        if (value instanceof String text) {
            return (T) text.replace("$", "$$");
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, escapeDollars(v)));
            return (T) out;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(ComposeExport::escapeDollars).toList();
        }
        return value;
    }

    /** A Go duration, as compose files take them: {@code 1500ms}, {@code 90s}. */
    static String duration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    static String dump(Map<String, Object> document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        options.setSplitLines(false);
        return new Yaml(options).dump(document);
    }

    /** Collects one manifest's dropped fields. */
    record Reporter(ContainerManifest m, FieldLines lines, List<Dropped> dropped) {
        void drop(String why, Object... path) {
            StringBuilder field = new StringBuilder();
            for (Object p : path) {
                if (p instanceof Integer i) {
                    field.append('[').append(i).append(']');
                } else {
                    field.append(field.isEmpty() ? "" : ".").append(p);
                }
            }
            dropped.add(new Dropped(m.source().file(), lines.line(m.source(), path), m.name(), field.toString(), why));
        }
    }
}
