package io.hostlet.manifest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ImageRefsTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "busybox:1, busybox:1",
            "busybox, busybox:latest",
            "docker.io/library/busybox:1, busybox:1",
            "docker.io/busybox, busybox:latest",
            "index.docker.io/library/busybox:1.36, busybox:1.36",
            "docker.io/acme/app:2, acme/app:2",
            "docker.io/library/team/app:2, library/team/app:2",
            "127.0.0.1:5000/team/tools:2.1, 127.0.0.1:5000/team/tools:2.1",
            "127.0.0.1:5000/team/tools, 127.0.0.1:5000/team/tools:latest",
            "reg:5000/app@sha256:abc, reg:5000/app@sha256:abc",
            "reg:5000/app:1@sha256:abc, reg:5000/app@sha256:abc",
            "docker.io/library/busybox@sha256:abc, busybox@sha256:abc"})
    void writesReferencesAsTheEnginesImageListDoes(String reference, String expected) {
        assertThat(ImageRefs.familiar(reference)).isEqualTo(expected);
    }
}
