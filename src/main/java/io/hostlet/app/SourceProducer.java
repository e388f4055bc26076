package io.hostlet.app;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.FolderSource;
import io.hostlet.desired.SourceFiles;

import io.hostlet.config.HostletConfig;
import io.hostlet.desired.git.GitOptions;
import io.hostlet.desired.git.GitSource;
import io.hostlet.policy.HostPaths;
import io.hostlet.policy.HostRoot;
import io.hostlet.policy.Level;
import io.hostlet.policy.Policy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the desired-state source from configuration: the git repository when {@code hostlet.git.url} is set,
 * otherwise the manifests folder.
 */
@ApplicationScoped
public class SourceProducer {

    @Produces
    @Singleton
    DesiredSource source(HostletConfig config, Clock clock, Policy policy) {
        SourceFiles files = new SourceFiles(config.secrets().dir(), List.of());
        if (config.git().url().isPresent()) {
            return new GitSource(GitOptions.from(config.git()), clock, policy, files);
        }
        return new FolderSource(config.manifests().dir(), policy, files);
    }

    /**
     * The policy from {@code hostlet.policy.*}, one for the sources and the loop's create-time checks. Refused as bind
     * mounts like the host's sensitive paths: hostlet's own folders (manifests, state, secrets, git checkout, the
     * folder its jar runs from) and the socket of the engine it talks to. A misspelt rule, level or root stops hostlet
     * at startup.
     */
    @Produces
    @Singleton
    static Policy policy(HostletConfig config) {
        List<Path> own = new ArrayList<>(List.of(config.manifests().dir(), config.stateDir(), config.secrets().dir()));
        if (config.git().url().isPresent()) {
            own.add(config.git().dir());
        }
        jarFolder().ifPresent(own::add);
        List<String> refused = new ArrayList<>(own.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
        String host = EngineProducer.dockerHost(config);
        if (host.startsWith("unix://")) {
            refused.add(host.substring("unix://".length()));
        }
        return new Policy(Level.parse(config.policy().level()), Policy.parseAllow(config.policy().allow()),
                HostRoot.parse(config.policy().hostPaths()), refused, HostPaths.LOCAL);
    }

    /** The folder hostlet runs from: the one holding {@code quarkus-run.jar} (the fast-jar layout), else its classes'. */
    static java.util.Optional<Path> jarFolder() {
        try {
            Path p = Path.of(Policy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path d = p; d != null; d = d.getParent()) {
                if (java.nio.file.Files.exists(d.resolve("quarkus-run.jar"))) {
                    return java.util.Optional.of(d.getParent() == null || d.getParent().getParent() == null ? d : d.getParent());
                }
            }
            return java.util.Optional.ofNullable(java.nio.file.Files.isDirectory(p) ? p : p.getParent());
        } catch (Exception e) { // no code source (a test runner's class loader): nothing to add
            return java.util.Optional.empty();
        }
    }
}
