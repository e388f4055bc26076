package io.hostlet.app;

import io.hostlet.engine.DockerEngine;
import io.hostlet.engine.Engine;
import io.hostlet.engine.RegistryAuth;

import io.hostlet.config.HostletConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** Makes the Docker engine adapter available for injection, configured from {@link HostletConfig}. */
@ApplicationScoped
public class EngineProducer {

    /**
     * Application-scoped, so injection gives a proxy and the client is built at its first call: on the reconcile
     * thread, while Quarkus finishes starting the HTTP server on the main thread. Building docker-java's client
     * (its object mapper, its transport) is about a third of hostlet's start; on a 2-core host, doing it beside
     * the rest of the start brings readiness closer.
     */
    @Produces
    @ApplicationScoped
    Engine engine(HostletConfig config) {
        return new DockerEngine(dockerHost(config), config.instance(), config.docker().timeout(),
                registryAuth(config));
    }

    /** The credential sources of {@code hostlet.registry.*}, with credential helpers searched on this process's PATH. */
    static RegistryAuth registryAuth(HostletConfig config) {
        java.util.Map<String, RegistryAuth.PasswordFile> files = new java.util.LinkedHashMap<>();
        config.registry().auth().forEach((key, login) ->
                files.put(login.host().orElse(key), new RegistryAuth.PasswordFile(login.username(), login.passwordFile())));
        return new RegistryAuth(registryConfig(config), files, RegistryAuth.pathFromEnvironment(),
                config.registry().helperTimeout());
    }

    /** {@code hostlet.registry.config}, else {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    static java.nio.file.Path registryConfig(HostletConfig config) {
        return config.registry().config().orElseGet(() -> {
            String dir = System.getenv("DOCKER_CONFIG");
            return dir != null && !dir.isBlank() ? java.nio.file.Path.of(dir, "config.json")
                    : java.nio.file.Path.of(System.getProperty("user.home"), ".docker", "config.json");
        });
    }

    void close(@Disposes Engine engine) throws Exception {
        if (engine instanceof AutoCloseable c) {
            c.close();
        }
    }

    /** {@code hostlet.docker.host}, else {@code DOCKER_HOST}, else the local socket. */
    static String dockerHost(HostletConfig config) {
        return config.docker().host()
                .or(() -> java.util.Optional.ofNullable(System.getenv("DOCKER_HOST")).filter(s -> !s.isBlank()))
                .orElse("unix:///var/run/docker.sock");
    }
}
