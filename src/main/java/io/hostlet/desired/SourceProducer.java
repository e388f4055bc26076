package io.hostlet.desired;

import io.hostlet.config.HostletConfig;
import io.hostlet.git.GitOptions;
import io.hostlet.git.GitSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Chooses the desired-state source from configuration: the git repository when {@code hostlet.git.url} is set,
 * otherwise the manifests folder.
 */
@ApplicationScoped
public class SourceProducer {

    @Produces
    @Singleton
    DesiredSource source(HostletConfig config) {
        if (config.git().url().isPresent()) {
            return new GitSource(GitOptions.from(config.git()));
        }
        return new FolderSource(config.manifests().dir());
    }
}
