package io.hostlet.manifest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The dotenv subset of {@code envFrom} files. */
class DotenvTest {

    static Stream<Arguments> files() {
        return Stream.of(
                arguments("plain", "A=1\nB=two words\n", List.of("A=1", "B=two words"), 0),
                arguments("comments, blanks, export", "# c\n\nexport A=1\n  # indented\n", List.of("A=1"), 0),
                arguments("single quotes are literal", "A='x \\n $B # y'\n", List.of("A=x \\n $B # y"), 0),
                arguments("double quotes escape", "A=\"x\\ny \\\"q\\\"\" # c\n", List.of("A=x\ny \"q\""), 0),
                arguments("a bare value's comment", "A=v # note\nB=v#not\n", List.of("A=v", "B=v#not"), 0),
                arguments("empty values", "A=\nB=''\n", List.of("A=", "B="), 0),
                arguments("a later line wins", "A=1\nA=2\n", List.of("A=2"), 0),
                arguments("CRLF", "A=1\r\nB=2\r\n", List.of("A=1", "B=2"), 0),
                arguments("no equals sign", "A=1\njust text\n", List.of(), 2),
                arguments("a name with a space", "MY VAR=1\n", List.of(), 1),
                arguments("a name starting with a digit", "\n\n1A=x\n", List.of(), 3),
                arguments("unterminated quote", "A=\"open\n", List.of(), 1),
                arguments("text after a quote", "A='x' y\n", List.of(), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void parsesOrNamesTheLine(String name, String text, List<String> values, int errorLine) {
        Dotenv.Result r = Dotenv.parse(text);
        assertThat(r.values().stream().map(v -> v.name() + "=" + v.value()).toList()).isEqualTo(values);
        assertThat(r.line()).isEqualTo(errorLine);
        assertThat(r.ok()).isEqualTo(errorLine == 0);
        if (!r.ok()) {
            assertThat(r.error()).doesNotContain("just text").doesNotContain("open");
        }
    }

    static Stream<Arguments> composeFiles() {
        return Stream.of(
                arguments("a quoted value with a comment after it", "K='\"q\"' # c\nD=\"x y\" # c\n", List.of("K=\"q\"", "D=x y")),
                arguments("interpolated from the lines above", "V=v\nURL=pg://${V}:${P:-pw}@db\n", List.of("V=v", "URL=pg://v:pw@db")),
                arguments("the environment first", "U=file\nX=${U}\n", List.of("U=file", "X=env")),
                arguments("double quotes interpolate, single do not", "A=\"${U}\"\nB='${U}'\n", List.of("A=env", "B=${U}")),
                arguments("an unset variable is empty", "A=x${NOPE}y\n", List.of("A=xy")),
                arguments("a dollar kept with $$", "A=a$$b\n", List.of("A=a$b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("composeFiles")
    void readsAComposeProjectsDotEnvAsComposeDoes(String name, String text, List<String> values) {
        Dotenv.Result r = Dotenv.parseCompose(text, n -> n.equals("U") ? "env" : null);
        assertThat(r.ok()).as(r.error()).isTrue();
        assertThat(r.values().stream().map(v -> v.name() + "=" + v.value()).toList()).isEqualTo(values);
    }

    @org.junit.jupiter.api.Test
    void aBadSubstitutionInAComposeDotEnvNamesTheLineButNotTheValue() {
        Dotenv.Result r = Dotenv.parseCompose("A=1\nB=${secret\n", n -> null);
        assertThat(r.line()).isEqualTo(2);
        assertThat(r.error()).isEqualTo("bad variable substitution").doesNotContain("secret");
    }
}
