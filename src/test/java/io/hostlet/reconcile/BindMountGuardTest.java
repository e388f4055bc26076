package io.hostlet.reconcile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** hostlet's own folders as the host sees them when it runs in a container (its mounts, by inspecting itself). */
class BindMountGuardTest {

    static final Map<String, String> MOUNTS = Map.of("/manifests", "/etc/hostlet/manifests",
            "/var/lib/hostlet", "/var/lib/docker/volumes/hostlet-state/_data", "/run/hostlet-secrets", "/srv/secrets",
            "/run", "/ignored");

    @Test
    void aFolderInsideAMountIsItsHostSourcePlusTheRest() {
        assertThat(BindMountGuard.hostSide("/run/hostlet-secrets", MOUNTS)).contains("/srv/secrets");
        assertThat(BindMountGuard.hostSide("/run/hostlet-secrets/db", MOUNTS)).contains("/srv/secrets/db");
        assertThat(BindMountGuard.hostSide("/manifests", MOUNTS)).contains("/etc/hostlet/manifests");
        assertThat(BindMountGuard.hostSide("/opt/hostlet", MOUNTS)).isEqualTo(Optional.empty());
        assertThat(BindMountGuard.hostSide("/manifestsx", MOUNTS)).isEqualTo(Optional.empty());
    }

    @Test
    void theOwnContainerIsFoundInTheMountTable(@TempDir Path tmp) throws IOException {
        String id = "0123456789abcdef".repeat(4);
        Path info = Files.writeString(tmp.resolve("mountinfo"), "645 640 0:52 / / rw - overlay overlay rw\n"
                + "660 645 8:1 /var/lib/docker/containers/" + id + "/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n");
        assertThat(new BindMountGuard(null, null, java.util.List.of(), info).ownContainerId()).isEqualTo(id);
        Path host = Files.writeString(tmp.resolve("host"), "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
        assertThat(new BindMountGuard(null, null, java.util.List.of(), host).ownContainerId()).isNull();
    }
}
