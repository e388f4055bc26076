package io.hostlet.observed;

import java.util.regex.Pattern;

/**
 * A volume the engine made for a container and named itself (64 hex digits): what an image's {@code VOLUME /data}
 * gets when no mount covers the path. Postgres, MySQL, Redis and registry keep their data in one. hostlet never
 * removes a volume; a recreate mounts the old container's anonymous volumes in the new one (see
 * {@code io.hostlet.plan.VolumeCarryOver}), as docker compose does.
 *
 * @param name the engine's name for it
 * @param path where it is mounted in the container
 */
public record AnonymousVolume(String name, String path) {

    private static final Pattern ENGINE_NAME = Pattern.compile("[0-9a-f]{64}");

    /**
     * Whether the engine named a volume: it gives anonymous volumes 64 random hex digits; named volumes keep the name
     * a person (or a manifest) gave them. Docker 20.10 has no other mark of an anonymous volume in its listings.
     */
    public static boolean isEngineNamed(String volumeName) {
        return volumeName != null && ENGINE_NAME.matcher(volumeName).matches();
    }
}
