package io.hostlet.desired;

import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The rules that keep a desired state safe, as a table over (files read, last good) without any file system: each row
 * is one read after a previous one, and says what is in force, which files are held, whether the state is complete
 * (nothing may be removed when it is not) and the errors.
 */
class AssemblerTest {

    static String container(String name, String image, String... deps) {
        StringBuilder b = new StringBuilder("apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: " + name
                + "}\nspec:\n  image: \"" + image + "\"\n");
        if (deps.length > 0) {
            b.append("  dependsOn:\n");
            for (String d : deps) {
                b.append("    - {name: ").append(d).append("}\n");
            }
        }
        return b.toString();
    }

    static String image(String name, String ref) {
        return "apiVersion: hostlet.io/v1\nkind: Image\nmetadata: {name: " + name + "}\nspec: {image: \"" + ref + "\"}\n";
    }

    static final String BROKEN = "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: x}\nspec: [\n";
    static final String COMMENTS = "# nothing here yet\n";
    static final String BLANK = " \n\t\n";

    /** One read: file names to their contents, read and parsed as a source would. */
    static Map<String, Assembler.FileRead> files(String... nameThenContent) {
        Map<String, Assembler.FileRead> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            String content = nameThenContent[i + 1];
            out.put(nameThenContent[i], new Assembler.FileRead(ManifestParser.parse(nameThenContent[i], content),
                    content.isBlank()));
        }
        return out;
    }

    static Assembler.Read read(String... nameThenContent) {
        return Assembler.Read.of(files(nameThenContent));
    }

    /** The last good versions a read of these files (all valid) leaves. */
    static Assembler.LastGood good(String... nameThenContent) {
        Map<String, ParseResult> out = new TreeMap<>();
        files(nameThenContent).forEach((f, r) -> out.put(f, r.result()));
        return new Assembler.LastGood(out);
    }

    record Expect(String inForce, Set<String> held, boolean complete, List<String> errors) {
    }

    static Expect expect(String inForce, Set<String> held, String... errors) {
        return new Expect(inForce, held, true, List.of(errors));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("valid files are in force", Assembler.LastGood.NONE,
                        read("web.yaml", container("web", "web:1"), "db.yaml", container("db", "db:1")),
                        expect("{db=db:1, web=web:1}", Set.of())),
                arguments("a new file with errors is held and makes nothing", Assembler.LastGood.NONE,
                        read("web.yaml", BROKEN),
                        expect("{}", Set.of("web.yaml"), "web.yaml:")),
                arguments("a file that turns invalid keeps its last good version",
                        good("web.yaml", container("web", "web:1")),
                        read("web.yaml", BROKEN),
                        expect("{web=web:1}", Set.of("web.yaml"), "web.yaml:")),
                arguments("a file emptied to comments keeps its last good version",
                        good("web.yaml", container("web", "web:1")),
                        read("web.yaml", COMMENTS),
                        expect("{web=web:1}", Set.of("web.yaml"), "web.yaml:1:1: " + Assembler.EMPTY_FILE)),
                arguments("a blank file keeps its last good version",
                        good("web.yaml", container("web", "web:1")),
                        read("web.yaml", BLANK),
                        expect("{web=web:1}", Set.of("web.yaml"), "web.yaml:1:1: " + Assembler.EMPTY_FILE)),
                arguments("a file that is gone is forgotten",
                        good("web.yaml", container("web", "web:1"), "db.yaml", container("db", "db:1")),
                        read("db.yaml", container("db", "db:1")),
                        expect("{db=db:1}", Set.of())),
                arguments("a file under a folder that could not be listed is unknown, not gone",
                        good("apps/web.yaml", container("web", "web:1"), "db.yaml", container("db", "db:1")),
                        new Assembler.Read(files("db.yaml", container("db", "db:1")), List.of(), Set.of("apps"), null),
                        expect("{db=db:1, web=web:1}", Set.of("apps/web.yaml"))),
                arguments("over a limit nothing is read: the last good state stays whole and nothing may be removed",
                        good("web.yaml", container("web", "web:1")),
                        new Assembler.Read(files("web.yaml", container("web", "web:2"), "new.yaml",
                                container("new", "new:1")), List.of(), Set.of(), "more than 1000 manifest files"),
                        new Expect("{web=web:1}", Set.of("web.yaml"), false, List.of(".:0:0: more than 1000"))),
                arguments("a name claimed by two files is held: neither claim is in force", Assembler.LastGood.NONE,
                        read("a.yaml", container("web", "web:1"), "b.yaml", container("web", "web:2")),
                        expect("{}", Set.of(), "a.yaml:1:1: container name \"web\" is also defined at b.yaml:1",
                                "b.yaml:1:1: container name \"web\" is also defined at a.yaml:1")),
                arguments("a container and an image may share a name", Assembler.LastGood.NONE,
                        read("web.yaml", container("web", "web:1"), "img.yaml", image("web", "web:1")),
                        expect("{web=web:1}", Set.of())),
                arguments("a file whose dependency is unknown is held", Assembler.LastGood.NONE,
                        read("web.yaml", container("web", "web:1", "db")),
                        expect("{}", Set.of("web.yaml"), "web.yaml:7:14: spec.dependsOn[0].name: unknown container")),
                arguments("a file whose new dependency is unknown keeps its last good version",
                        good("web.yaml", container("web", "web:1")),
                        read("web.yaml", container("web", "web:2", "db")),
                        expect("{web=web:1}", Set.of("web.yaml"), "web.yaml:7:14: spec.dependsOn[0].name: unknown")),
                arguments("a dependant whose last good version does not resolve either is dropped, not kept broken",
                        good("db.yaml", container("db", "db:1"), "web.yaml", container("web", "web:1", "db")),
                        read("db.yaml", container("store", "db:2"), "web.yaml", container("web", "web:2", "db")),
                        expect("{store=db:2}", Set.of("web.yaml"),
                                "web.yaml:7:14: spec.dependsOn[0].name: unknown container \"db\"")),
                arguments("a dependency on a held file's container holds the dependant too (the fixed point)",
                        Assembler.LastGood.NONE,
                        read("a.yaml", container("aa", "a:1", "missing"), "b.yaml", container("bb", "b:1", "aa")),
                        expect("{}", Set.of("a.yaml", "b.yaml"), "a.yaml:7:14: spec.dependsOn[0].name: unknown",
                                "b.yaml:7:14: spec.dependsOn[0].name: container \"aa\" is not applied (a.yaml is invalid)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void assembles(String name, Assembler.LastGood before, Assembler.Read read, Expect expect) {
        Assembler.Result result = Assembler.assemble(read, before);
        DesiredState s = result.state();

        assertThat(new TreeMap<>(s.containers()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().spec().image())
                .collect(Collectors.joining(", ", "{", "}"))).isEqualTo(expect.inForce());
        assertThat(s.heldFiles()).containsExactlyInAnyOrderElementsOf(expect.held());
        assertThat(s.complete()).isEqualTo(expect.complete());
        List<String> errors = s.errors().stream().map(Object::toString).toList();
        assertThat(errors).hasSameSizeAs(expect.errors());
        for (String e : expect.errors()) {
            assertThat(errors).anyMatch(actual -> actual.startsWith(e));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theNextReadStartsFromWhatIsInForce(String name, Assembler.LastGood before, Assembler.Read read, Expect expect) {
        Assembler.Result result = Assembler.assemble(read, before);

        // Reading the same files again changes nothing: the last good versions are a fixed point of the rules.
        Assembler.Result again = Assembler.assemble(read, result.lastGood());
        assertThat(again.state()).isEqualTo(result.state());
        assertThat(again.lastGood()).isEqualTo(result.lastGood());
    }
}
