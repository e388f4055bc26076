package io.hostlet.plan;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.ObservedContainer;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of an old container's anonymous volumes its replacement mounts: each one at the same path, unless the new
 * spec mounts something of its own there (then the spec wins, as in docker compose). So a recreate keeps the data an
 * image's {@code VOLUME} holds. Decided from the observed listing, before anything is created, and carried by the
 * step as data.
 *
 * <p>Unlike compose, there is no check that the new image still declares the {@code VOLUME}: that would cost an image
 * inspect per recreate, and keeping data mounted where it was is the harmless side of the doubt. To start afresh,
 * remove the container (or its manifest) by hand; the volume stays for {@code docker volume prune}.
 */
final class VolumeCarryOver {

    private VolumeCarryOver() {
    }

    /** The volumes of {@code old} to mount in the container made for {@code next}, sorted by path. */
    static List<AnonymousVolume> carried(ObservedContainer old, ContainerManifest next) {
        Set<String> taken = next.spec().volumes().stream().map(v -> normal(v.mountPath())).collect(Collectors.toSet());
        return old.anonymousVolumes().stream()
                .filter(v -> !taken.contains(normal(v.path())))
                .sorted(Comparator.comparing(AnonymousVolume::path))
                .toList();
    }

    /** {@code /data/} and {@code /data} are one mount point. */
    private static String normal(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
