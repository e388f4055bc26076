package io.hostlet.imports;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.desired.SourceFiles;
import io.hostlet.policy.HostPaths;
import io.hostlet.policy.Level;
import io.hostlet.policy.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code hostlet import} over compose files shaped like those of well-known self-hosted stacks
 * ({@code src/test/resources/compose/<stack>/docker-compose.yml}): for each, exactly what is reported as not
 * converted, the exit code, and that what it writes passes hostlet's validation (the folder read as {@code validate}
 * reads it, under the {@code privileged} level: what the default policy refuses is a notice, not an error).
 */
class RealComposeFilesTest {

    static final Path ROOT = Path.of("src/test/resources/compose");
    static final Map<String, String> ENV = Map.of("HOME", "/home/user");

    record Stack(String name, int services, int exit, List<String> dropped) {}

    static final List<Stack> STACKS = List.of(
            new Stack("wordpress", 2, 0, List.of()),
            new Stack("nextcloud", 4, 3, List.of(
                    "21: services.db.volumes[0]: not converted (the mount option \"Z\": hostlet mounts read-write or"
                            + " read-only only; mounted without it)")),
            new Stack("gitea", 2, 3, List.of(
                    "9: services.server.container_name: not converted (hostlet names the container after its manifest,"
                            + " server, and other containers reach it by that name)")),
            new Stack("jellyfin", 1, 3, List.of(
                    "7: services.jellyfin.group_add: not converted (hostlet has no such setting)",
                    "22: services.jellyfin.extra_hosts: not converted (hostlet refuses it with network_mode: host, where"
                            + " the container uses the host's network, names and resolver)")),
            new Stack("homeassistant", 1, 0, List.of()),
            new Stack("traefik", 2, 0, List.of()),
            new Stack("immich", 4, 3, List.of(
                    "4: services.immich-server.container_name: not converted (hostlet names the container after its"
                            + " manifest, immich-server, and other containers reach it by that name)")),
            new Stack("vaultwarden", 1, 0, List.of()),
            new Stack("uptime-kuma", 1, 0, List.of()),
            new Stack("paperless", 5, 0, List.of()),
            new Stack("pihole", 1, 0, List.of()));

    static Stream<Arguments> stacks() {
        return STACKS.stream().map(s -> arguments(s.name(), s));
    }

    static Path composeFile(String stack) {
        return ROOT.resolve(stack).resolve("docker-compose.yml");
    }

    record Run(int code, String err) {}

    static Run importInto(Path out, String stack) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ImportCommand.execute(ENV, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "-o", out.toString(), composeFile(stack).toString());
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void convertsReportsExactlyWhatItDropsAndValidates(String name, Stack stack, @TempDir Path out) throws IOException {
        Run r = importInto(out, name);

        String prefix = composeFile(name) + ":";
        List<String> dropped = r.err().lines().filter(l -> l.contains(": not converted (")).toList();
        assertThat(dropped).as(r.err()).containsExactlyElementsOf(stack.dropped().stream().map(l -> prefix + l).toList());
        assertThat(r.code()).as(r.err()).isEqualTo(stack.exit());
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.count()).isEqualTo(stack.services());
        }
        assertValid(out, name, r.err());
    }

    /**
     * The folder as {@code hostlet validate} reads it, after doing what the import's notes ask: each env file and
     * secret it names is copied into a secrets folder (outside the manifests, as hostlet requires) under the name the
     * note gives, so {@code envFrom} and {@code secrets} are checked like every other field, files included.
     */
    static void assertValid(Path out, String stack, String err) throws IOException {
        Path secrets = Files.createTempDirectory("import-secrets");
        Matcher copy = COPY_NOTE.matcher(err);
        while (copy.find()) {
            Path from = composeFile(stack).resolveSibling(copy.group(1));
            Files.copy(from, secrets.resolve(copy.group(2)), StandardCopyOption.REPLACE_EXISTING);
        }
        DesiredState state = new FolderSource(out, new Policy(Level.privileged, Map.of(), List.of(), HostPaths.LOCAL),
                new SourceFiles(secrets, List.of())).read();
        assertThat(state.errors()).isEmpty();
        assertThat(state.complete()).as(state.problem()).isTrue();
    }

    /** The note telling the user to copy an env file or secret: group 1 the file as compose names it, 2 the name. */
    static final Pattern COPY_NOTE = Pattern.compile(
            "copy the (?:env|secret) file (\\S+) into hostlet's secrets folder \\(hostlet\\.secrets\\.dir\\) as ([^\\s:]+)");

    /** Without the files the notes name, the manifests that use them are refused: the notes are needed, not noise. */
    @Test
    void withoutCopyingTheNotedFilesTheManifestsThatUseThemAreRefused(@TempDir Path out) throws IOException {
        Run r = importInto(out, "nextcloud");
        assertThat(COPY_NOTE.matcher(r.err()).results().map(m -> m.group(2))).as(r.err()).containsExactly("db.env", "db.env", "db.env");

        DesiredState state = new FolderSource(out, new Policy(Level.privileged, Map.of(), List.of(), HostPaths.LOCAL),
                new SourceFiles(Files.createTempDirectory("import-no-secrets"), List.of())).read();
        assertThat(state.errors()).extracting(e -> e.file() + " " + e.message())
                .anySatisfy(e -> assertThat(e).contains("db.yaml").contains("envFrom[0].file"))
                .anySatisfy(e -> assertThat(e).contains("app.yaml").contains("envFrom[0].file"))
                .anySatisfy(e -> assertThat(e).contains("cron.yaml").contains("envFrom[0].file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void theComposeFileIsValidCompose(String name) throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed");
        Process p = new ProcessBuilder("docker-compose", "-f", composeFile(name).toString(), "config", "-q")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    /** The figure the README gives: services converted with nothing dropped, of all services in these files. */
    @Test
    void twentyOfTwentyFourServicesConvertWithNothingDropped() throws Exception {
        int services = 0;
        int clean = 0;
        for (Stack s : STACKS) {
            Path file = composeFile(s.name());
            ImportResult r = ComposeImport.convert(ComposeInput.read(file, ENV), null, List.of(),
                    ComposeImport.SCHEMA);
            for (ImportResult.OutputFile f : r.files()) {
                services++;
                String service = f.content().lines().filter(l -> l.startsWith("# imported by")).findFirst().orElseThrow()
                        .replaceAll(".*, service ", "");
                if (r.droppedOf(service).isEmpty()) {
                    clean++;
                }
            }
        }
        assertThat(services).isEqualTo(24);
        assertThat(clean).isEqualTo(20);
    }

    private static boolean onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }
}
