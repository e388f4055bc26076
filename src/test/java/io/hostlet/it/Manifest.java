package io.hostlet.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code kind: Container} manifest as YAML text, with test-friendly defaults: the local busybox image,
 * {@code imagePullPolicy: IfNotPresent}, a long sleep, {@code restartPolicy: Always}, a 1 s grace period
 * (busybox sleep as PID 1 ignores SIGTERM).
 */
public final class Manifest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private List<String> command = List.of("/bin/sh");
    private List<String> args = List.of("-c", "exec sleep 100000");
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> ports = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private String restartPolicy = "Always";
    private String stopGracePeriod = "1s";
    private String image = TestEngine.testImage();
    private final List<String> extraSpec = new ArrayList<>();

    private Manifest(String name) {
        this.name = name;
    }

    public static Manifest container(String name) {
        return new Manifest(name);
    }

    /** Another image than the test image (one a test built from it, say). */
    public Manifest image(String image) {
        this.image = image;
        return this;
    }

    public Manifest label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    public Manifest command(String... command) {
        this.command = List.of(command);
        return this;
    }

    /** Runs {@code script} with {@code /bin/sh -c}. */
    public Manifest shell(String script) {
        this.command = List.of("/bin/sh");
        this.args = List.of("-c", script);
        return this;
    }

    public Manifest env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Publishes {@code containerPort}/TCP on 127.0.0.1:{@code hostPort}. */
    public Manifest port(int containerPort, int hostPort) {
        ports.add("{containerPort: " + containerPort + ", hostPort: " + hostPort
                + ", protocol: TCP, hostIP: 127.0.0.1}");
        return this;
    }

    public Manifest namedVolume(String volume, String mountPath) {
        volumes.add("{name: " + q(volume) + ", mountPath: " + q(mountPath) + "}");
        return this;
    }

    public Manifest network(String network) {
        networks.add(q(network));
        return this;
    }

    public Manifest restartPolicy(String policy) {
        this.restartPolicy = policy;
        return this;
    }

    /** Adds raw lines under {@code spec:} (each indented by two), for fields this builder has no method for. */
    /** The grace period of a stop ({@code 1s} unless set, so that tests do not wait for stops). */
    public Manifest stopGracePeriod(String duration) {
        this.stopGracePeriod = duration;
        return this;
    }

    public Manifest spec(String... lines) {
        extraSpec.addAll(List.of(lines));
        return this;
    }

    public String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: hostlet.io/v1\n");
        y.append("kind: Container\n");
        y.append("metadata:\n");
        y.append("  name: ").append(name).append('\n');
        if (!labels.isEmpty()) {
            y.append("  labels:\n");
            labels.forEach((k, v) -> y.append("    ").append(q(k)).append(": ").append(q(v)).append('\n'));
        }
        y.append("spec:\n");
        y.append("  image: ").append(q(image)).append('\n');
        y.append("  imagePullPolicy: IfNotPresent\n");
        y.append("  command: ").append(list(command)).append('\n');
        y.append("  args: ").append(list(args)).append('\n');
        if (!env.isEmpty()) {
            y.append("  env:\n");
            env.forEach((k, v) -> y.append("    - {name: ").append(q(k)).append(", value: ").append(q(v)).append("}\n"));
        }
        if (!ports.isEmpty()) {
            y.append("  ports:\n");
            ports.forEach(p -> y.append("    - ").append(p).append('\n'));
        }
        if (!volumes.isEmpty()) {
            y.append("  volumes:\n");
            volumes.forEach(v -> y.append("    - ").append(v).append('\n'));
        }
        if (!networks.isEmpty()) {
            y.append("  networks: [").append(String.join(", ", networks)).append("]\n");
        }
        y.append("  restartPolicy: ").append(restartPolicy).append('\n');
        y.append("  stopGracePeriod: ").append(stopGracePeriod).append('\n');
        extraSpec.forEach(line -> y.append("  ").append(line).append('\n'));
        return y.toString();
    }

    @Override
    public String toString() {
        return yaml();
    }

    private static String list(List<String> items) {
        return "[" + String.join(", ", items.stream().map(Manifest::q).toList()) + "]";
    }

    /** A double-quoted scalar: JSON string syntax is valid YAML. */
    private static String q(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
