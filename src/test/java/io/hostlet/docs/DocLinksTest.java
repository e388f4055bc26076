package io.hostlet.docs;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in {@code README.md} and {@code docs/*.md} leads somewhere: the file or folder exists, and an
 * anchor names a heading of the Markdown file it points into, as GitHub computes heading anchors. The docs are split
 * over pages, so a section that moves breaks the links into it; this test says which. Links inside code (fenced
 * blocks, code spans) are not links and are not read: the files are parsed as CommonMark.
 */
class DocLinksTest {

    private static final Parser PARSER = Parser.builder().build();

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        int anchors = 0;
        for (Path page : pages()) {
            for (String target : links(page)) {
                if (target.isEmpty() || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: - not ours to check offline
                }
                checked++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path file = path.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(path).normalize();
                if (!Files.exists(file)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (anchor != null && file.toString().endsWith(".md")) {
                    anchors++;
                    if (!anchors(file).contains(anchor)) {
                        broken.add(page + ": " + target + " (no heading with that anchor in " + file.getFileName() + ")");
                    }
                }
            }
        }
        assertThat(checked).as("relative links found").isGreaterThan(50);
        assertThat(anchors).as("anchors found").isGreaterThan(10);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void anchorsAreComputedAsGitHubDoes() {
        assertThat(slug("Manifest reference (`apiVersion: hostlet.io/v1`)"))
                .isEqualTo("manifest-reference-apiversion-hostletiov1");
        assertThat(slug("`validate` in a GitOps repository")).isEqualTo("validate-in-a-gitops-repository");
        assertThat(slug("kind: Image")).isEqualTo("kind-image");
        assertThat(slug("Updates and rollback")).isEqualTo("updates-and-rollback");
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertThat(pages).hasSizeGreaterThan(5);
        return pages;
    }

    static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        parse(page).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                targets.add(link.getDestination());
                visitChildren(link);
            }

            @Override
            public void visit(Image image) {
                targets.add(image.getDestination());
                visitChildren(image);
            }
        });
        return targets;
    }

    private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

    /** The anchors of a page's headings; a repeated heading gets {@code -1}, {@code -2}, ... as on GitHub. */
    static Set<String> anchors(Path page) {
        return ANCHORS.computeIfAbsent(page, p -> {
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            try {
                parse(p).accept(new AbstractVisitor() {
                    @Override
                    public void visit(Heading heading) {
                        String slug = slug(text(heading));
                        int n = seen.merge(slug, 1, Integer::sum) - 1;
                        anchors.add(n == 0 ? slug : slug + "-" + n);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return anchors;
        });
    }

    /** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, '-' and '_' stay), spaces to '-'. */
    static String slug(String heading) {
        String text = heading.replace("`", "").strip().toLowerCase(Locale.ROOT);
        return text.replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
    }

    private static String text(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                text.append(t.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }
        });
        return text.toString();
    }

    private static Node parse(Path page) throws IOException {
        return PARSER.parse(Files.readString(page));
    }
}
