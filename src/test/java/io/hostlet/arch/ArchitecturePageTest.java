package io.hostlet.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/architecture.md} names every package: a package added without saying on that page what it owns and may
 * import fails the build. Packages are the folders under {@code io/hostlet} that hold Java sources, named as the page
 * names them ({@code desired.git} for {@code io.hostlet.desired.git}), each in a table cell of its own.
 */
class ArchitecturePageTest {

    static final Path SOURCES = Path.of("src/main/java/io/hostlet");
    static final Path PAGE = Path.of("docs/architecture.md");

    @Test
    void thePageNamesEveryPackage() throws IOException {
        String page = Files.readString(PAGE);
        List<String> packages = packages();

        assertThat(packages).contains("reconcile", "desired.git"); // the walk found the tree
        assertThat(packages).allSatisfy(p -> assertThat(page).as("docs/architecture.md names package " + p)
                .contains("| `" + p + "` |"));
    }

    @Test
    void thePageNamesNoPackageThatIsGone() throws IOException {
        List<String> packages = packages();
        List<String> named = Files.readAllLines(PAGE).stream()
                .filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3)))
                .toList();

        assertThat(named).isNotEmpty().allSatisfy(n -> assertThat(packages).as("package " + n + " exists").contains(n));
    }

    static List<String> packages() throws IOException {
        try (Stream<Path> dirs = Files.walk(SOURCES)) {
            return dirs.filter(Files::isDirectory).filter(ArchitecturePageTest::holdsJava)
                    .map(d -> SOURCES.relativize(d).toString().replace(java.io.File.separatorChar, '.'))
                    .filter(p -> !p.isEmpty())
                    .sorted()
                    .toList();
        }
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
