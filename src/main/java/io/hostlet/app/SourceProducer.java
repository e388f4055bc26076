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
import io.hostlet.reconcile.BindMountGuard;
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
        List<String> refused = new ArrayList<>(BindMountGuard.ownFolders(config).stream().map(Path::toString).toList());
        String host = EngineProducer.dockerHost(config);
        if (host.startsWith("unix://")) {
            refused.add(host.substring("unix://".length()));
        }
        return new Policy(Level.parse(config.policy().level()), Policy.parseAllow(config.policy().allow()),
                HostRoot.parse(config.policy().hostPaths()), refused, HostPaths.LOCAL);
    }
}
