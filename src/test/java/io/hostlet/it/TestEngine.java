package io.hostlet.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine as the tests see it: read-only questions about its state, plus the few
 * actions a test needs to play the operator (kill, stop, exec, create an unmanaged container) and to clean up.
 * Every removal is by exact id, exact name or exact instance label, never by pattern.
 */
public final class TestEngine implements AutoCloseable {

    public static final String MANAGED = "io.hostlet.managed";
    public static final String INSTANCE = "io.hostlet.instance";
    public static final String NAME = "io.hostlet.name";
    public static final String SPEC_HASH = "io.hostlet.spec-hash";
    public static final String SOURCE = "io.hostlet.source";

    private final DockerClient client;
    private final String dockerHost;

    public TestEngine(String dockerHost) {
        this.dockerHost = dockerHost;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    /** The engine the tests run against: {@code DOCKER_HOST}, else the local socket. */
    public static String defaultDockerHost() {
        String env = System.getenv("DOCKER_HOST");
        return env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env;
    }

    /** The locally built busybox image; nothing can be pulled. */
    public static String testImage() {
        String env = System.getenv("HOSTLET_TEST_IMAGE");
        return env == null || env.isBlank() ? "hostlet-test/busybox:1" : env;
    }

    public DockerClient client() {
        return client;
    }

    public String dockerHost() {
        return dockerHost;
    }

    /** Whether the engine keeps images in containerd's store (Docker 28+ with the containerd-snapshotter feature). */
    public boolean containerdImageStore() {
        var status = client.infoCmd().exec().getDriverStatuses();
        return status != null && status.stream()
                .anyMatch(kv -> kv.size() == 2 && "driver-type".equals(kv.get(0)) && kv.get(1).contains("containerd"));
    }

    public void ping() {
        client.pingCmd().exec();
    }

    /** The container with exactly this name, whoever owns it. */
    public Optional<InspectContainerResponse> container(String name) {
        try {
            return Optional.of(client.inspectContainerCmd(name).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Like {@link #container} but fails the assertion when there is none. */
    public InspectContainerResponse existing(String name) {
        return container(name).orElseThrow(() -> new AssertionError("no container named " + name + " on the engine"));
    }

    /** The container named {@code name}, asserting that it exists and is running. */
    public InspectContainerResponse running(String name) {
        InspectContainerResponse c = existing(name);
        if (!Boolean.TRUE.equals(c.getState().getRunning())) {
            throw new AssertionError(name + " exists but is not running: " + c.getState());
        }
        return c;
    }

    /** When the container's current run started, as the engine says. */
    public static java.time.Instant startedAt(InspectContainerResponse c) {
        return java.time.Instant.parse(c.getState().getStartedAt());
    }

    /**
     * Marks the start of a stretch of container {@code id}'s event log by running {@code true} in it; pass the mark
     * to {@link #eventsSince}. The marker's own events let that query prove the log still reaches back to the mark
     * (the engine keeps only its last 256 events, across all containers).
     */
    public java.time.Instant markEvents(String id) {
        java.time.Instant mark = java.time.Instant.now();
        ExecResult r = exec(id, "true");
        if (r.exitCode() != 0) {
            throw new AssertionError("marker exec in " + id + " exited " + r.exitCode());
        }
        return mark;
    }

    /**
     * What the engine did to container {@code id} (event actions: {@code kill}, {@code stop}, {@code die},
     * {@code start}...) from the {@link #markEvents mark} until now, after the marker's own events. The engine logs
     * an action when it carries it out, so a query made after a client has gone shows all it asked of the container.
     */
    public List<String> eventsSince(String id, java.time.Instant mark) {
        List<String> actions = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            client.eventsCmd()
                    .withContainerFilter(id)
                    .withSince(unixTime(mark))
                    .withUntil(unixTime(java.time.Instant.now()))
                    .exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Event e) {
                            actions.add(e.getAction());
                        }
                    })
                    .awaitCompletion(30, TimeUnit.SECONDS); // the stream ends at until
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int marker = actions.indexOf("exec_die");
        if (marker < 0) {
            throw new AssertionError("the engine's event log of " + id + " no longer reaches back to the mark ("
                    + "the marker exec is missing): " + actions);
        }
        return List.copyOf(actions.subList(marker + 1, actions.size()));
    }

    private static String unixTime(java.time.Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    /** The containers of {@code instance} that hostlet made for the manifest {@code name}. */
    public List<Container> managedNamed(String instance, String name) {
        return client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(INSTANCE, instance, NAME, name))
                .exec();
    }

    /** Removes the network with exactly this name, if it is there and unused. */
    public void removeNetworkNamed(String name) {
        network(name).ifPresent(n -> {
            try {
                client.removeNetworkCmd(n.getId()).exec();
            } catch (RuntimeException e) {
                // gone or still in use; the class cleanup tries again by label
            }
        });
    }

    /** Every container (running or not) carrying this instance label. */
    public List<Container> containersOf(String instance) {
        return client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(INSTANCE, instance))
                .exec();
    }

    /** Every container (running or not) whose name is exactly {@code name}; more than one is impossible, but we look. */
    public List<Container> containersNamed(String name) {
        return client.listContainersCmd().withShowAll(true)
                .withNameFilter(List.of(name))
                .exec().stream()
                .filter(c -> c.getNames() != null && List.of(c.getNames()).contains("/" + name))
                .toList();
    }

    public Optional<Network> network(String name) {
        return client.listNetworksCmd().withNameFilter(name).exec().stream()
                .filter(n -> name.equals(n.getName()))
                .findFirst();
    }

    public boolean volumeExists(String name) {
        try {
            client.inspectVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** {@code docker kill}. */
    public void kill(String name) {
        client.killContainerCmd(name).exec();
    }

    /** {@code docker stop -t 1}. */
    public void stop(String name) {
        client.stopContainerCmd(name).withTimeout(1).exec();
    }

    /** Runs {@code cmd} inside the running container and returns its exit code and output. */
    public ExecResult exec(String container, String... cmd) {
        String execId = client.execCreateCmd(container)
                .withCmd(cmd)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec().getId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            boolean done = client.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.writeBytes(frame.getPayload());
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
            if (!done) {
                throw new AssertionError("exec " + List.of(cmd) + " in " + container + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Long code = client.inspectExecCmd(execId).exec().getExitCodeLong();
        return new ExecResult(code == null ? -1 : code.intValue(), out.toString());
    }

    /** Creates and starts a container hostlet does not own (no hostlet labels), as another tool would. */
    public String runUnmanaged(String name, Map<String, String> labels, String... cmd) {
        String id = client.createContainerCmd(testImage())
                .withName(name)
                .withLabels(labels)
                .withCmd(cmd)
                .exec().getId();
        client.startContainerCmd(id).exec();
        return id;
    }

    /** Force-removes one container by id or exact name, if it is there. */
    public void forceRemove(String idOrName) {
        try {
            client.removeContainerCmd(idOrName).withForce(true).withRemoveVolumes(false).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }

    /** Force-removes every container labelled with {@code instance}. */
    public void removeContainersOf(String instance) {
        for (Container c : containersOf(instance)) {
            forceRemove(c.getId());
        }
    }

    /** Removes every network labelled with {@code instance}. */
    public void removeNetworksOf(String instance) {
        for (Network n : client.listNetworksCmd().withFilter("label", List.of(INSTANCE + "=" + instance)).exec()) {
            try {
                client.removeNetworkCmd(n.getId()).exec();
            } catch (NotFoundException e) {
                // already gone
            }
        }
    }

    /** Removes one named volume, if it is there. */
    public void removeVolume(String name) {
        try {
            client.removeVolumeCmd(name).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
    }

    public record ExecResult(int exitCode, String output) {
    }
}
