package io.hostlet.engine;

/**
 * What an engine says about itself, for {@code hostlet doctor}.
 *
 * @param product       the engine's name ({@code Docker Engine}, {@code Podman Engine}: its first version component)
 * @param version       its version, e.g. {@code 20.10.24}
 * @param apiVersion    the API version it serves, e.g. {@code 1.41}
 * @param os            its operating system and architecture, e.g. {@code linux/amd64}
 * @param storageDriver its image store's driver, e.g. {@code overlay2}, with the containerd snapshotter when used
 * @param rootDir       where it keeps images and containers, e.g. {@code /var/lib/docker}
 */
public record EngineInfo(String product, String version, String apiVersion, String os, String storageDriver,
                         String rootDir) {

    /** Podman answers Docker's API, with small differences (see docs/engines.md). */
    public boolean podman() {
        return product != null && product.toLowerCase(java.util.Locale.ROOT).contains("podman");
    }
}
