package io.hostlet.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** How an engine error becomes the one line hostlet shows ({@link DockerEngine#firstLine}). */
class DockerEngineMessageTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "Status 409: {\"message\":\"Conflict. The name is in use\"}|Conflict. The name is in use",
            "Status 500: {\"message\":\"say \\\"hi\\\"\"}|say \"hi\"",
            "Status 500: {\"message\":\"line one\\nline two\"}|line one\\nline two",
            "plain words|plain words",
            "{\"message\":\"unclosed|{\"message\":\"unclosed",
            "{\"message\":\"ends in a backslash\\|{\"message\":\"ends in a backslash\\",
            "{\"other\":\"x\",\"message\":\"second field\"}|second field",
    })
    void theEnginesWordsAreKept(String raw, String shown) {
        assertThat(DockerEngine.firstLine(new RuntimeException(raw))).isEqualTo(shown);
    }

    @Test
    void aRealLineBreakEndsTheMessage() {
        assertThat(DockerEngine.firstLine(new RuntimeException("first\nsecond"))).isEqualTo("first");
    }

    @Test
    void aTenKilobyteEngineErrorIsReadOnASmallStack() throws InterruptedException {
        String body = "x\\\"".repeat(3_500); // escapes throughout: the old regex recursed on every character
        String shown = onSmallStack(() -> DockerEngine.firstLine(new RuntimeException("{\"message\":\"" + body + "\"}")));
        assertThat(shown).hasSize(7_000).startsWith("x\"x\"");
    }

    @Test
    void aOneMegabyteEngineErrorIsReadOnASmallStack() throws InterruptedException {
        String body = "a".repeat(1 << 20);
        assertThat(onSmallStack(() -> DockerEngine.firstLine(new RuntimeException("{\"message\":\"" + body + "\"}"))))
                .isEqualTo(body);
        assertThat(onSmallStack(() -> DockerEngine.firstLine(new RuntimeException("{\"message\":\"" + body))))
                .startsWith("{\"message\":\"aaa");
    }

    private static <T> T onSmallStack(java.util.function.Supplier<T> f) throws InterruptedException {
        return io.hostlet.OnStack.call(512 * 1024, java.time.Duration.ofMinutes(2), f);
    }
}
