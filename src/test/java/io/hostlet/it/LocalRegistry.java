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

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A Docker registry (Debian's {@code docker-registry}, distribution 2.x) run by the test on a free loopback port,
 * with its storage in a temp folder; open, or behind htpasswd basic auth. Stopped by its own process handle.
 * The engine treats 127.0.0.0/8 registries as insecure (plain http) by default, so no engine setup is needed.
 */
final class LocalRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final String USER = "hostlet-tester";
    static final String PASSWORD = "hostlet-test-pw";
    /** bcrypt of {@link #PASSWORD} (registry 2.x accepts only bcrypt in htpasswd files); a test-only credential. */
    private static final String PASSWORD_BCRYPT = "$2b$12$bjLfyGJ7.3jEO6uCBEbRfe9TW5hJ8S21wtBZodtWUukxMesMBf0oC";

    private final Path dir;
    private final int port;
    private final Process process;

    private LocalRegistry(boolean withAuth) {
        try {
            dir = Files.createTempDirectory("hostlet-it-registry-");
            port = FreePort.find();
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
            process = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
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

    private void awaitListening() {
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
