package io.hostlet.imports;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a compose file declares outside its services, resolved once for all of them.
 *
 * @param file        the compose file as named on the command line (for reports)
 * @param dir         the folder relative bind-mount sources and env files are resolved against, as compose does
 * @param name        the project name (compose's rules: {@code -p}, else top-level {@code name:}, else the folder name)
 * @param names       hostlet manifest name of each service that is converted
 * @param networks    hostlet network name of each network a service may list (including {@code default})
 * @param defaultNetwork whether services without {@code networks:} join {@code networks.get("default")}: only when
 *                    there are several services (compose's project network is how they find each other; one alone
 *                    finds nobody and stays on Docker's default bridge)
 * @param volumes     Docker volume name of each top-level volume ({@code <project>_<key>} unless {@code name:}
 *                    or {@code external}), the very volume compose used: its data carries over
 * @param secrets     file (relative to {@link #dir}, as written) of each top-level secret that has one
 * @param home        the home folder for {@code ~} in bind-mount sources; null when unknown
 */
record Project(String file, Path dir, String name, Map<String, String> names, Map<String, String> networks,
               boolean defaultNetwork, Map<String, String> volumes, Map<String, String> secrets, String home) {

    /** The Docker volume a service's named volume {@code key} is. */
    String volume(String key) {
        return volumes.getOrDefault(key, name + "_" + key);
    }
}
