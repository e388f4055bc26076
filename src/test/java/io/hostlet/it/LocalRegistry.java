package io.hostlet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A Docker registry (Debian's {@code docker-registry}, distribution 2.x) run by the test on a free loopback port,
 * with its storage in a temp folder; open, or behind htpasswd basic auth. Stopped by its own process handle.
 * The engine treats 127.0.0.0/8 registries as insecure (plain http) by default, so no engine setup is needed.
 *
 * <p>With a private engine in a network namespace of its own ({@code HOSTLET_TEST_ENGINE} names it, see
 * scripts/engine-ns.sh) the registry runs inside that namespace ({@code nsenter --net=}), where the engine can reach
 * it, on ports from {@link #NAMESPACED_FIRST_PORT} (the namespace's loopback is the engine's alone, and engine-ns.sh
 * tells Podman, which has no 127.0.0.0/8 default, that these ports speak plain http).
 */
final class LocalRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final String USER = "hostlet-tester";
    static final String PASSWORD = "hostlet-test-pw";
    /** bcrypt of {@link #PASSWORD} (registry 2.x accepts only bcrypt in htpasswd files); a test-only credential. */
    private static final String PASSWORD_BCRYPT = "$2b$12$bjLfyGJ7.3jEO6uCBEbRfe9TW5hJ8S21wtBZodtWUukxMesMBf0oC";

    /** The first port of the namespaced registries; engine-ns.sh marks 20 ports from it insecure for Podman. */
    static final int NAMESPACED_FIRST_PORT = 5000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_NAMESPACED =
            new java.util.concurrent.atomic.AtomicInteger(NAMESPACED_FIRST_PORT);

    private final Path dir;
    private final int port;
    private final Process process;

    private LocalRegistry(boolean withAuth) {
        try {
            dir = Files.createTempDirectory("hostlet-it-registry-");
            port = namespace() == null ? FreePort.find() : NEXT_NAMESPACED.getAndIncrement();
            StringBuilder config = new StringBuilder()
                    .append("version: 0.1\n")
                    .append("log: {level: warn}\n")
                    .append("storage: {filesystem: {rootdirectory: ").append(dir.resolve("data")).append("}, delete: {enabled: true}}\n")
                    .append("http: {addr: 127.0.0.1:").append(port).append("}\n");
            if (withAuth) {
                Files.writeString(dir.resolve("htpasswd"), USER + ":" + PASSWORD_BCRYPT + "\n");
                config.append("auth: {htpasswd: {realm: hostlet-it, path: ").append(dir.resolve("htpasswd")).append("}}\n");
            }
            Files.writeString(dir.resolve("config.yml"), config.toString());
            List<String> cmd = new java.util.ArrayList<>(inNamespace());
            cmd.addAll(List.of(BINARY.toString(), "serve", dir.resolve("config.yml").toString()));
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitListening();
    }

    /** A registry anyone may pull from and push to. */
    static LocalRegistry open() {
        return new LocalRegistry(false);
    }

    /** A registry that wants {@link #USER} / {@link #PASSWORD}. */
    static LocalRegistry withHtpasswd() {
        return new LocalRegistry(true);
    }

    /** {@code 127.0.0.1:<port>}: the host part of image references and the {@code auths} key. */
    String host() {
        return "127.0.0.1:" + port;
    }

    /** The network namespace of the engine under test, or null when it shares the host's. */
    static String namespace() {
        String engine = System.getenv("HOSTLET_TEST_ENGINE");
        return engine == null || engine.isBlank() ? null : "/var/run/netns/" + engine;
    }

    /** The command prefix that runs a program in the engine's namespace: nsenter execs it, so its PID is the program's. */
    static List<String> inNamespace() {
        return namespace() == null ? List.of() : List.of("nsenter", "--net=" + namespace());
    }

    private void awaitListening() {
        if (namespace() != null) {
            awaitListeningInNamespace();
            return;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("docker-registry exited with " + process.exitValue() + ": " + log());
                        }
                        int code = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        return code == 200 || code == 401;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("docker-registry did not listen on " + host() + ": " + log(), e);
        }
    }

    private void awaitListeningInNamespace() {
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("docker-registry exited with " + process.exitValue() + ": " + log());
                        }
                        List<String> curl = new java.util.ArrayList<>(inNamespace());
                        curl.addAll(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                                "http://" + host() + "/v2/"));
                        Process p = new ProcessBuilder(curl).redirectErrorStream(true).start();
                        String code = new String(p.getInputStream().readAllBytes()).trim();
                        p.waitFor();
                        return code.equals("200") || code.equals("401");
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("docker-registry did not listen on " + host() + " in " + namespace() + ": " + log(), e);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        LocalProcesses.stop(process, Duration.ofSeconds(10), dir);
    }
}
