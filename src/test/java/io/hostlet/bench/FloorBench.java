package io.hostlet.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The engine's floor for the cold-converge benchmark ({@code bench/bench.py}): the least any Java controller
 * on docker-java can take to bring up N containers. It creates and starts N containers with a fixed pool of
 * threads (8, hostlet's default {@code hostlet.parallelism}), the same container config hostlet would send for
 * the benchmark manifest (entrypoint, args, env, restart policy, stop timeout), prints the time, and removes
 * them again. No reading, hashing, planning or label bookkeeping: whatever hostlet spends above this is its
 * own overhead.
 *
 * <p>Not a test. Usage: {@code FloorBench <count> <name-prefix> <label-key=value> [image] [threads]}; prints one
 * line {@code floor_ms=<ms>} on stdout. Containers are named {@code <prefix>-0001...} and carry only the given
 * label, by which they are removed (also the ones left over when creating failed half-way).
 */
public final class FloorBench {

    private static final List<String> ENTRYPOINT = List.of("/bin/sh");
    private static final List<String> ARGS = List.of("-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done");

    private FloorBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FloorBench <count> <name-prefix> <label-key=value> [image] [threads]");
            System.exit(2);
        }
        int count = Integer.parseInt(args[0]);
        String prefix = args[1];
        String[] label = args[2].split("=", 2);
        String image = args.length > 3 ? args[3] : "hostlet-test/busybox:1";
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 8;

        String host = System.getenv("DOCKER_HOST");
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host)
                .build();
        DockerClient docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(120))
                .build());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // Warm up outside the timing (one container made, started and removed): the floor is the engine's,
            // not class loading's, the JIT's or the first connection's.
            docker.inspectImageCmd(image).exec();
            String warm = createAndStart(docker, image, prefix + "-warmup", label);
            docker.removeContainerCmd(warm).withForce(true).exec();

            long t0 = System.nanoTime();
            List<Future<String>> started = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String name = String.format("%s-%04d", prefix, i);
                started.add(pool.submit(() -> createAndStart(docker, image, name, label)));
            }
            for (Future<String> f : started) {
                f.get();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("floor_ms=" + ms);
        } finally {
            removeAll(docker, pool, args[2]);
            pool.shutdown();
            pool.awaitTermination(2, TimeUnit.MINUTES);
            docker.close();
        }
    }

    private static String createAndStart(DockerClient docker, String image, String name, String[] label) {
        String id = docker.createContainerCmd(image)
                .withName(name)
                .withLabels(Map.of(label[0], label[1]))
                .withEntrypoint(ENTRYPOINT)
                .withCmd(ARGS)
                .withEnv("GEN=1")
                .withStopTimeout(2)
                .withHostConfig(HostConfig.newHostConfig().withRestartPolicy(RestartPolicy.alwaysRestart()))
                .exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    /** Removes every container carrying the label, running or not, in parallel. */
    private static void removeAll(DockerClient docker, ExecutorService pool, String label) throws Exception {
        List<Container> mine = docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec();
        List<Future<?>> removed = new ArrayList<>();
        for (Container c : mine) {
            removed.add(pool.submit(() -> {
                try {
                    docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException gone) {
                    // already gone
                }
                return null;
            }));
        }
        for (Future<?> f : removed) {
            f.get();
        }
    }
}
