package io.hostlet.app;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.FolderSource;
import io.hostlet.desired.SourceFiles;

import io.hostlet.config.HostletConfig;
import io.hostlet.desired.git.GitOptions;
import io.hostlet.desired.git.GitSource;
import io.hostlet.policy.HostPaths;
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
    DesiredSource source(HostletConfig config, Clock clock) {
        Policy policy = policy(config);
        SourceFiles files = new SourceFiles(config.secrets().dir(), List.of());
        if (config.git().url().isPresent()) {
            return new GitSource(GitOptions.from(config.git()), clock, policy, files);
        }
        return new FolderSource(config.manifests().dir(), policy, files);
    }

    /**
     * The policy from {@code hostlet.policy.*}; hostlet's own folders (manifests, state, secrets, git checkout) are refused as
     * bind mounts like the host's sensitive paths. A misspelt rule in {@code allow} stops hostlet at startup.
     */
    static Policy policy(HostletConfig config) {
        List<Path> own = new ArrayList<>(List.of(config.manifests().dir(), config.stateDir(), config.secrets().dir()));
        if (config.git().url().isPresent()) {
            own.add(config.git().dir());
        }
        return new Policy(Level.parse(config.policy().level()), Policy.parseAllow(config.policy().allow()), own,
                HostPaths.LOCAL);
    }
}
