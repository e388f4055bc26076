package io.hostlet.manifest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Env values and commands may hold secrets: no mistake in spec.env, command, args or a health check's exec copies one into an error message (status, logs). */
class EnvValuesInErrorsTest {

    private static final String SECRET = "s3cr3t-Pa55";

    private static String manifest(String env) {
        return """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: web}
                spec:
                  image: busybox:1
                """ + env;
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("compose-style list of strings", "  env: [\"TOKEN=" + SECRET + "\"]\n"),
                arguments("compose-style block list", "  env:\n    - TOKEN=" + SECRET + "\n"),
                arguments("a string for the list", "  env: \"TOKEN=" + SECRET + "\"\n"),
                arguments("the value in the name", "  env:\n    - name: TOKEN=" + SECRET + "\n"),
                arguments("a name=value key", "  env:\n    - {\"TOKEN=" + SECRET + "\": x}\n"),
                arguments("a name=value key twice", "  env:\n    - {name: A, \"T=" + SECRET + "\": x, \"T=" + SECRET + "\": y}\n"),
                arguments("a list for the value", "  env:\n    - {name: TOKEN, value: [" + SECRET + "]}\n"),
                arguments("a mapping for the value", "  env:\n    - {name: TOKEN, value: {v: " + SECRET + "}}\n"),
                arguments("a list for the name", "  env:\n    - {name: [" + SECRET + "], value: x}\n"),
                arguments("a tagged value", "  env:\n    - {name: TOKEN, value: !!binary " + SECRET + "}\n"),
                arguments("a mapping key that is a list", "  env:\n    - {[" + SECRET + "]: x}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void isReportedWithoutTheValue(String why, String env) {
        ParseResult r = ManifestParser.parse("web.yaml", manifest(env));

        assertThat(r.errors()).as(why).isNotEmpty();
        assertThat(r.errors()).as(why).allSatisfy(e -> assertThat(e.message()).doesNotContain(SECRET));
    }

    static Stream<Arguments> commandMistakes() {
        return Stream.of(
                arguments("a compose-style string command", "  command: \"run --token " + SECRET + "\"\n"),
                arguments("a compose-style string args", "  args: \"--token=" + SECRET + "\"\n"),
                arguments("a compose-style string health check", "  healthcheck: {exec: \"curl -u admin:" + SECRET + " x\"}\n"));
    }

    /** command, args and a health check's exec are kept as digests in the label; their mistakes are not quoted either. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("commandMistakes")
    void aCommandIsReportedWithoutItsWords(String why, String spec) {
        ParseResult r = ManifestParser.parse("web.yaml", manifest(spec));

        assertThat(r.errors()).as(why).isNotEmpty();
        assertThat(r.errors()).as(why).allSatisfy(e -> assertThat(e.message()).doesNotContain(SECRET)
                .contains("expected a list, got a string (not shown: commands may hold secrets; write a list of words)"));
    }

    @org.junit.jupiter.api.Test
    void outsideEnvAWrongValueIsStillQuoted() {
        ParseResult r = ManifestParser.parse("web.yaml", manifest("  restartPolicy: Sometimes\n"));
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("\"Sometimes\""));
    }

    @org.junit.jupiter.api.Test
    void anEnvMistakeStillSaysWhatKindOfThingWasWritten() {
        ParseResult r = ManifestParser.parse("web.yaml", manifest("  env: [\"TOKEN=" + SECRET + "\"]\n"));
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .isEqualTo("spec.env[0]: expected a mapping, got a string (not shown: env values may be secrets)"));
    }
}
