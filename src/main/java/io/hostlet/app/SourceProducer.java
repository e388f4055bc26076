package io.hostlet.app;

import io.hostlet.desired.DesiredSource;
import io.hostlet.desired.FolderSource;

import io.hostlet.config.HostletConfig;
import io.hostlet.desired.git.GitOptions;
import io.hostlet.desired.git.GitSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Chooses the desired-state source from configuration: the git repository when {@code hostlet.git.url} is set,
 * otherwise the manifests folder.
 */
@ApplicationScoped
public class SourceProducer {

    @Produces
    @Singleton
    DesiredSource source(HostletConfig config, Clock clock) {
        if (config.git().url().isPresent()) {
            return new GitSource(GitOptions.from(config.git()), clock);
        }
        return new FolderSource(config.manifests().dir());
    }
}
