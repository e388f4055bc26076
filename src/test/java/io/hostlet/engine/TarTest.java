package io.hostlet.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The archive copied into containers, read back by an independent reader (python3's tarfile). */
class TarTest {

    @Test
    void anotherReaderSeesPathsModesOwnersAndContent(@TempDir Path dir) throws Exception {
        String longPath = "/opt/" + "d".repeat(90) + "/" + "e".repeat(60) + "/settings.conf";
        byte[] tar = Tar.of(List.of(
                new Tar.Entry("/run/secrets/token", "t0ken".getBytes(StandardCharsets.UTF_8), 0400, 1000, 100),
                new Tar.Entry(longPath, new byte[513], 0444, 0, 0)), 1_700_000_000L);
        assertThat(tar.length % 512).isZero();
        Path file = Files.write(dir.resolve("a.tar"), tar);
        Process p = new ProcessBuilder("python3", "-c", """
                import sys, tarfile
                with tarfile.open(sys.argv[1], format=tarfile.USTAR_FORMAT) as t:
                    for m in t.getmembers():
                        data = t.extractfile(m).read()
                        print(m.name, oct(m.mode), m.uid, m.gid, m.size, m.mtime, data[:5].decode('latin-1'))
                """, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().toList()).containsExactly(
                "run/secrets/token 0o400 1000 100 5 1700000000 t0ken",
                longPath.substring(1) + " 0o444 0 0 513 1700000000 \0\0\0\0\0");
    }

    @Test
    void aNameThatCannotBeSplitIsRefused() {
        assertThatThrownBy(() -> Tar.of(List.of(new Tar.Entry("/" + "x".repeat(120), new byte[0], 0444, 0, 0)), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
