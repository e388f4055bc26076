package io.hostlet.desired;

import io.hostlet.config.HostletConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Chooses the desired-state source from configuration. */
@ApplicationScoped
public class SourceProducer {

    @Produces
    @Singleton
    DesiredSource source(HostletConfig config) {
        return new FolderSource(config.manifests().dir());
    }
}
