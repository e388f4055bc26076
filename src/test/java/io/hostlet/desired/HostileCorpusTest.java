package io.hostlet.desired;

import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file of the {@link HostileCorpus} gives a clear, positioned error (or is valid, or empty and held), in bounded
 * time and allocation, on a thread with the reconcile loop's stack, and nothing ever escapes as an exception.
 */
class HostileCorpusTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void theCorpusHoldsAtLeastTwoHundredCases() {
        assertThat(HostileCorpus.names()).hasSizeGreaterThanOrEqualTo(200).doesNotHaveDuplicates();
        assertThat(HostileCorpus.files()).containsKeys("committed-stop-grace-1m-10k.yaml", "committed-billion-laughs.yaml");
    }

    @Test
    void everyFileParsesToPositionedErrorsQuicklyOnTheLoopsStack() throws InterruptedException {
        List<String> failures = onLoopStack(() -> {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : HostileCorpus.files().entrySet()) {
                String name = f.getKey();
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(f.getValue())).toString();
                } catch (CharacterCodingException e) {
                    continue; // the folder reader refuses it before parsing; checked below
                }
                long t0 = System.nanoTime();
                long a0 = THREADS.getCurrentThreadAllocatedBytes();
                ParseResult r;
                try {
                    r = ManifestParser.parse(name, text);
                } catch (Throwable e) {
                    out.add(name + ": threw " + e);
                    continue;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long mb = (THREADS.getCurrentThreadAllocatedBytes() - a0) >> 20;
                if (ms > 10_000 || mb > 256) { // time is loose (a shared CI machine); allocation is the real bound
                    out.add(name + ": took " + ms + " ms and allocated " + mb + " MB");
                }
                boolean empty = r.manifests().isEmpty() && r.images().isEmpty();
                if (r.ok()) {
                    continue; // valid (a lone document of a duplicate pair) or empty: the folder reader's matter
                }
                if (!r.manifests().isEmpty() || r.errors().size() > 51) {
                    out.add(name + ": invalid yet " + r.manifests().size() + " manifests, " + r.errors().size() + " errors");
                }
                for (ManifestError e : r.errors()) {
                    if (!e.file().equals(name) || e.message().isBlank() || e.message().length() > 600) {
                        out.add(name + ": unclear error " + e);
                    }
                }
                boolean positioned = r.errors().stream().anyMatch(e -> e.line() > 0 && e.column() > 0);
                boolean wholeFile = r.errors().get(0).message().equals("file is larger than 1 MiB");
                if (!positioned && !wholeFile) {
                    out.add(name + ": no error has a line: " + r.errors());
                }
            }
            return out;
        });

        assertThat(failures).isEmpty();
    }

    @Test
    void theFolderReaderNamesEveryFileAndPutsNothingInForce() throws InterruptedException {
        HostileCorpus.write(dir);
        FolderSource source = new FolderSource(dir);

        long t0 = System.nanoTime();
        DesiredState state = onLoopStack(source::read);
        DesiredState again = onLoopStack(source::read);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isLessThan(Duration.ofSeconds(60));
        assertThat(state.complete()).as(state.problem()).isTrue();
        assertThat(state.containers()).isEmpty();
        assertThat(state.images()).isEmpty();
        Set<String> named = new TreeSet<>(state.heldFiles());
        state.errors().forEach(e -> named.add(e.file()));
        Set<String> expected = new TreeSet<>(HostileCorpus.files().keySet());
        expected.addAll(HostileCorpus.symlinks().keySet().stream()
                .filter(l -> java.nio.file.Files.isSymbolicLink(dir.resolve(l))).collect(Collectors.toSet()));
        assertThat(named).containsAll(expected);
        assertThat(state.errors().stream().filter(e -> e.message().isBlank() || e.message().length() >= 600
                        || e.message().chars().anyMatch(Character::isISOControl)
                        || !new String(e.message().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(e.message()))
                .map(e -> e.file() + ": " + e.message().length() + " chars"))
                .as("blank, overlong or unprintable messages").isEmpty();
        assertThat(again.errors()).containsExactlyInAnyOrderElementsOf(state.errors());
        // Every file with content gets a place to look at (links and special files have none to give).
        assertThat(state.errors().stream()
                .filter(e -> HostileCorpus.files().containsKey(e.file()) && e.line() < 1)
                .map(e -> e.file() + ": " + e.message()))
                .as("errors in files without a line").isEmpty();
    }

    /** Runs {@code f} on a thread with a 1 MB stack (the JVM's default on Linux, which the loop thread gets). */
    private static <T> T onLoopStack(java.util.function.Supplier<T> f) throws InterruptedException {
        return io.hostlet.OnStack.call(io.hostlet.OnStack.LOOP_STACK, Duration.ofMinutes(2), f);
    }
}
