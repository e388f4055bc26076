package io.hostlet.recorder;

import io.hostlet.manifest.LabelKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class LabelKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void theKeyIsMadeOnceOwnerOnlyAndReadBackTheSame() throws Exception {
        Path state = dir.resolve("state");
        LabelKey first = LabelKeyFile.loadOrCreate(state);
        Path file = state.resolve(LabelKeyFile.NAME);
        assertThat(Files.size(file)).isEqualTo(LabelKey.BYTES);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        byte[] bytes = Files.readAllBytes(file);
        LabelKey again = LabelKeyFile.loadOrCreate(state);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.digest("env.A", "x")).isEqualTo(first.digest("env.A", "x"));
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        try (var files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(LabelKeyFile.NAME);
        }
    }

    @Test
    void twoHostsGetDifferentKeys() {
        assertThat(LabelKeyFile.loadOrCreate(dir.resolve("a")).id())
                .isNotEqualTo(LabelKeyFile.loadOrCreate(dir.resolve("b")).id());
    }

    @Test
    void aDamagedKeyIsLeftAloneAndThisProcessUsesItsOwn() throws Exception {
        Path file = dir.resolve(LabelKeyFile.NAME);
        Files.write(file, new byte[5]);
        LabelKey k = LabelKeyFile.loadOrCreate(dir);
        assertThat(k.id()).isEqualTo(LabelKey.ephemeral().id());
        assertThat(Files.readAllBytes(file)).hasSize(5);
    }
}
