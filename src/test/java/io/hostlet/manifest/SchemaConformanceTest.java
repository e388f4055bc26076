package io.hostlet.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostlet.desired.HostileCorpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code schema/hostlet-v1.json} agrees with the parser over one corpus: the {@link HostileCorpus} (as written, and
 * again without its deliberate unknown top-level field, so the field checks beneath it are reached), the parser's own
 * test cases, the shipped {@code manifests/}, and a few valid documents per field.
 *
 * <p>What the parser accepts, the schema accepts, without exception. What the parser refuses, the schema refuses,
 * except the cases in {@link #SEMANTIC}: refusals that need more than the shape of one document (duplicates,
 * arithmetic on quantities); each is listed with its reason, and a listed case that agrees fails the test too, so the
 * list cannot go stale. The schema side reads YAML as an editor's language server would: YAML 1.1 via SnakeYAML's
 * composer with the parser's bounds and plain tags only (duplicate, merge and non-scalar keys refused), scalars as
 * JSON strings, decimal numbers, booleans or null. A file refused at that stage (invalid YAML, foreign tags, bounds) is
 * refused by both without reaching the schema; those are counted apart. The validator is python3-jsonschema (draft
 * 2020-12, formats checked), run once for the whole corpus.
 */
class SchemaConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMA = Path.of("schema", "hostlet-v1.json");
    private static final String HOSTILE_LINE = "x-hostile: so that no file of the corpus is a valid manifest\n";

    /** Refused by the parser for reasons no per-document shape can state; the schema accepts them. */
    private static final Map<String, String> SEMANTIC = Map.ofEntries(
            Map.entry("stripped/huge-duration-10k.yaml", "stopGracePeriod of 5000 minutes: over 10m needs arithmetic"),
            Map.entry("stripped/huge-duration-60k.yaml", "stopGracePeriod of 30000 minutes: over 10m needs arithmetic"),
            Map.entry("hostile/committed-stop-grace-1m-10k.yaml", "stopGracePeriod summing to hours: arithmetic"),
            Map.entry("parser/a duplicate env name", "duplicate env names: not a shape"),
            Map.entry("parser/a duplicate containerPort and protocol", "containerPort 53/UDP twice, items differ otherwise"),
            Map.entry("parser/a duplicate mountPath", "mountPath twice in items that differ otherwise"),
            Map.entry("parser/memory below Docker's minimum", "4Mi under 6Mi: arithmetic on units"),
            Map.entry("parser/memory that overflows", "9999999999Ti overflows a long: arithmetic"),
            Map.entry("parser/a grace period over ten minutes", "10m1s over 10m: arithmetic"),
            Map.entry("health/a name twice", "dependsOn naming db twice with different conditions: duplicates"),
            Map.entry("runtime/tmpfs over a volume", "a tmpfs mountPath also in volumes: a duplicate across lists"),
            Map.entry("runtime/ulimit soft over hard", "soft 10 over hard 5: arithmetic"),
            Map.entry("runtime/hostNetwork with a net sysctl", "a net.* sysctl key only under hostNetwork: a key prefix"
                    + " under a condition"));

    private static final List<Case> CASES = new ArrayList<>();

    record Case(String name, String text) {
    }

    @BeforeAll
    static void corpus() throws Exception {
        for (Map.Entry<String, byte[]> f : HostileCorpus.files().entrySet()) {
            String text = utf8(f.getValue());
            CASES.add(new Case("hostile/" + f.getKey(), text));
            if (text != null) {
                String stripped = text.replace(HOSTILE_LINE, "");
                stripped = stripped.startsWith("bogus: true\n") ? stripped.substring("bogus: true\n".length()) : stripped;
                if (!stripped.equals(text)) {
                    CASES.add(new Case("stripped/" + f.getKey(), stripped));
                }
            }
        }
        ManifestParserTest.invalidDocuments().forEach(a -> CASES.add(new Case("parser/" + a.get()[0], (String) a.get()[1])));
        ImageManifestParserTest.invalidImages().forEach(a -> CASES.add(new Case("image/" + a.get()[0], (String) a.get()[1])));
        RuntimeFieldsParserTest.wrongShapes().forEach(a -> CASES.add(new Case("runtime/" + a.get()[0],
                RuntimeFieldsParserTest.withSpec(((List<?>) a.get()[1]).toArray(String[]::new)))));
        HealthAndDependsOnParserTest.invalid().forEach(a -> CASES.add(new Case("health/" + a.get()[0], (String) a.get()[1])));
        EnvValuesInErrorsTest.mistakes().forEach(a -> CASES.add(new Case("env/" + a.get()[0],
                "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: web}\nspec:\n  image: busybox:1\n" + a.get()[1])));
        // The odd inputs and the valid values the parser tests use, read off their annotations (one source of truth).
        String[] odd = ManifestParserTest.class.getDeclaredMethod("turnsOddInputIntoErrorsWithoutThrowing", String.class)
                .getAnnotation(ValueSource.class).strings();
        for (int i = 0; i < odd.length; i++) {
            CASES.add(new Case("parser/odd-" + i, odd[i]));
        }
        for (String row : csv("readsMemoryWithAndWithoutUnits", String.class, long.class)) {
            CASES.add(new Case("parser/memory " + row, withSpec("resources: {memory: " + row.split(",")[0].trim() + "}")));
        }
        for (String row : csv("readsGracePeriodsWithUnits", String.class, java.time.Duration.class)) {
            CASES.add(new Case("parser/stopGracePeriod " + row, withSpec("stopGracePeriod: " + row.split(",")[0].trim())));
        }
        valid();
        try (Stream<Path> files = Files.walk(Path.of("manifests"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                CASES.add(new Case("shipped/" + p, Files.readString(p)));
            }
        }
    }

    private static List<String> csv(String method, Class<?>... params) throws NoSuchMethodException {
        return List.of(ManifestParserTest.class.getDeclaredMethod(method, params).getAnnotation(CsvSource.class).value());
    }

    private static String withSpec(String... lines) {
        StringBuilder b = new StringBuilder("apiVersion: hostlet.io/v1\nkind: Container\nmetadata:\n  name: web\nspec:\n"
                + "  image: nginx:1.27\n");
        for (String l : lines) {
            b.append("  ").append(l).append('\n');
        }
        return b.toString();
    }

    /** Every field in a valid spelling the parser takes, including the looser ones (numbers as text, nulls). */
    private static void valid() {
        String[][] rows = {
                {"full example", "labels: {}", "imagePullPolicy: IfNotPresent", "command: [\"/bin/sh\"]",
                        "args: [\"-c\", \"exec httpd -f -p 80\"]", "workingDir: /srv", "user: \"1000:1000\"",
                        "env: [{name: MODE, value: prod}]",
                        "ports: [{containerPort: 80, hostPort: 8080, protocol: TCP, hostIP: 127.0.0.1}]",
                        "volumes: [{name: data, mountPath: /data}, {hostPath: /srv/site, mountPath: /site, readOnly: true}]",
                        "networks: [app]", "restartPolicy: Always", "resources: {memory: 256Mi, cpus: 0.5}",
                        "stopGracePeriod: 10s", "restartOnUnhealthy: false",
                        "dependsOn: [{name: db, condition: healthy}, {name: cache}]"},
                {"numbers and booleans as text", "user: 1000", "env: [{name: PORT, value: 8080}, {name: DEBUG, value: true},"
                        + " {name: RATIO, value: 0.50}, {name: EMPTY}, {name: NULL_VALUE, value: ~}]", "command: [sleep, 30]"},
                {"nulls as absent", "command:", "workingDir: ~", "resources: null", "healthcheck: null", "env: null"},
                {"quoted ports and IPv6", "ports: [{containerPort: \"80\", hostPort: \"08080\", hostIP: \"::1\"},"
                        + " {containerPort: 53, protocol: UDP, hostIP: \"fe80::1\"}]"},
                {"memory in bytes and cpus as text", "resources: {memory: 6291456, cpus: \"2\"}"},
                {"exec health check", "healthcheck: {exec: [\"/bin/sh\", \"-c\", \"true\"], interval: 10s, timeout: 2s,"
                        + " retries: 5, startPeriod: 0s}", "restartOnUnhealthy: yes"},
                {"http health check", "healthcheck: {http: {port: 8080, path: /healthz}, retries: \"3\"}"},
                {"http health check without path", "healthcheck: {http: {port: 80, path: null}, exec: null}"},
                {"volume with a null hostPath", "volumes: [{name: d, hostPath: null, mountPath: /d, readOnly: null}]"},
                {"labels with odd values", "imagePullPolicy: Never"},
                {"every host-facing field", "hostPID: true", "hostIPC: true", "securityContext: {privileged: true,"
                        + " capabilities: {add: [NET_ADMIN, CAP_SYS_TIME], drop: [ALL]}, readOnlyRootFilesystem: true,"
                        + " noNewPrivileges: true, runAsUser: 1000, runAsGroup: 100, seccompProfile: {type: Unconfined},"
                        + " appArmorProfile: {type: RuntimeDefault}}",
                        "devices: [{hostPath: /dev/dri}, {hostPath: /dev/zero, containerPath: /dev/z, permissions: r}]",
                        "extraHosts: [\"printer.lan:192.168.1.20\", \"v6.lan:fe80::1\"]", "hostname: media",
                        "dns: [1.1.1.1, \"2606:4700:4700::1111\"]", "tmpfs: [{mountPath: /run}, {mountPath: /cache, size: 64Mi}]",
                        "shmSize: 256Mi", "sysctls: {net.core.somaxconn: \"1024\", net.ipv4.tcp_syncookies: 1}", "init: true",
                        "stopSignal: SIGINT", "ulimits: {nofile: {soft: 1024, hard: 4096}, nproc: 512, core: -1}",
                        "logging: {driver: local, options: {max-size: 20m, max-file: 5}}", "suspend: true"},
                {"secrets and config files", "env: [{name: A, value: x}, {name: PW, valueFrom: {file: db/pw}},"
                        + " {name: B, valueFrom: null}]", "envFrom: [{file: app.env}]",
                        "files: [{source: ../conf/app.conf, mountPath: /etc/app.conf, mode: \"0640\"},"
                        + " {source: b, mountPath: /b, mode: null}]", "secrets: [{source: tls.key, mountPath: /run/secrets/k}]"},
                {"host network and defaults written out", "hostNetwork: true", "securityContext: {capabilities: {add: []}}",
                        "logging: {options: {max-size: 50m}}", "stopSignal: 15", "init: no", "suspend: false", "ports: null"},
        };
        for (String[] r : rows) {
            String yaml = withSpec(java.util.Arrays.copyOfRange(r, 1, r.length));
            if (r[0].equals("full example")) {
                yaml = yaml.replace("  labels: {}\n", "").replace("  name: web\n", "  name: web\n  labels: {tier: frontend}\n");
            }
            if (r[0].equals("labels with odd values")) {
                yaml = yaml.replace("  name: web\n", "  name: web\n  labels: {a: 1, b: true, c: ~, d: \"\"}\n");
            }
            CASES.add(new Case("valid/" + r[0], yaml));
        }
        CASES.add(new Case("valid/image", "apiVersion: hostlet.io/v1\nkind: Image\nmetadata: {name: tools}\n"
                + "spec: {image: 127.0.0.1:5000/team/tools:2.1, imagePullPolicy: IfNotPresent}\n"));
        CASES.add(new Case("valid/image and container share a name", "apiVersion: hostlet.io/v1\nkind: Container\n"
                + "metadata: {name: tools}\nspec: {image: \"busybox:1\"}\n---\napiVersion: hostlet.io/v1\nkind: Image\n"
                + "metadata: {name: tools}\nspec: {image: busybox:1}\n"));
        CASES.add(new Case("valid/numeric names", withSpec("networks: [\"123\"]").replace("name: web", "name: 123")));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null; // the folder reader refuses it before any parser; an editor cannot open it as UTF-8 either
        }
    }

    @Test
    void theSchemaAcceptsWhatTheParserAcceptsAndRefusesWhatItRefusesForShape() throws Exception {
        assumeTrue(python3HasJsonschema(), "python3-jsonschema is not installed");
        Map<String, Boolean> parser = new LinkedHashMap<>();
        Map<String, List<JsonNode>> documents = new LinkedHashMap<>();
        int beforeSchema = 0;
        for (Case c : CASES) {
            boolean parsed = c.text() != null && ManifestParser.parse(c.name(), c.text()).ok();
            parser.put(c.name(), parsed);
            List<JsonNode> docs = c.text() == null ? null : YamlToJson.documents(c.text());
            if (docs == null) {
                beforeSchema++;
                assertThat(parsed).as("%s: refused as YAML, yet the parser accepts it", c.name()).isFalse();
            } else {
                documents.put(c.name(), docs);
            }
        }
        Map<String, String> schema = validate(documents);

        List<String> acceptedOnlyByParser = new ArrayList<>();
        List<String> refusedOnlyByParser = new ArrayList<>();
        List<String> staleExclusions = new ArrayList<>();
        int agree = 0;
        for (String name : documents.keySet()) {
            boolean p = parser.get(name);
            boolean s = !schema.containsKey(name);
            if (p && !s) {
                acceptedOnlyByParser.add(name + ": " + schema.get(name));
            } else if (!p && s && !SEMANTIC.containsKey(name)) {
                refusedOnlyByParser.add(name + ": " + ManifestParser.parse(name, text(name)).errors());
            } else if (p == s) {
                agree++;
                if (SEMANTIC.containsKey(name)) {
                    staleExclusions.add(name);
                }
            }
        }
        long accepted = parser.values().stream().filter(b -> b).count();
        System.out.printf("[SchemaConformanceTest] %d cases: %d refused before the schema (YAML, tags, bounds) by both;"
                        + " %d checked by the schema, %d agree (%d accepted by both), %d semantic refusals excluded%n",
                CASES.size(), beforeSchema, documents.size(), agree, accepted, SEMANTIC.size());

        assertThat(acceptedOnlyByParser).as("valid to the parser, refused by the schema").isEmpty();
        assertThat(refusedOnlyByParser).as("refused by the parser for shape, accepted by the schema").isEmpty();
        assertThat(staleExclusions).as("listed as semantic, yet the schema refuses them too: drop them from SEMANTIC")
                .isEmpty();
        assertThat(SEMANTIC.keySet()).as("every exclusion names a case").allMatch(documents::containsKey);
        assertThat(CASES.size()).isGreaterThan(500);
        assertThat(CASES.stream().map(Case::name)).as("case names are unique").doesNotHaveDuplicates();
        assertThat(accepted).as("the corpus has valid documents too").isGreaterThan(20);
    }

    @Test
    void everyShippedManifestNamesTheSchemaByAPathThatResolvesFromItsFolder() throws IOException {
        Pattern modeline = Pattern.compile("# yaml-language-server: \\$schema=(\\S+)");
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("manifests"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path f : files) {
            String first = Files.readAllLines(f).get(0);
            var m = modeline.matcher(first);
            assertThat(m.matches()).as("%s starts with the schema modeline, not %s", f, first).isTrue();
            assertThat(f.getParent().resolve(m.group(1)).normalize()).as(f.toString()).isEqualTo(SCHEMA.normalize());
        }
    }

    private static String text(String name) {
        return CASES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().text();
    }

    private static boolean python3HasJsonschema() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import jsonschema").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One python3 process for the whole batch: name -> first error, for the cases the schema refuses. */
    private static Map<String, String> validate(Map<String, List<JsonNode>> documents) throws Exception {
        String script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                jsonschema.Draft202012Validator.check_schema(schema)
                v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
                out = {}
                for name, docs in json.load(sys.stdin).items():
                    for i, d in enumerate(docs):
                        e = jsonschema.exceptions.best_match(v.iter_errors(d))
                        if e is not None:
                            out[name] = "document %d at /%s: %s" % (i + 1, "/".join(map(str, e.absolute_path)), e.message[:200])
                            break
                json.dump(out, sys.stdout)
                """;
        Process p = new ProcessBuilder("python3", "-c", script, SCHEMA.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ObjectNode batch = JsonNodeFactory.instance.objectNode();
        documents.forEach((name, docs) -> batch.set(name, JSON.valueToTree(docs)));
        try (OutputStream in = p.getOutputStream()) {
            JSON.writeValue(in, batch);
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("python3 jsonschema run").isZero();
        Map<String, String> refused = new TreeMap<>();
        JSON.readTree(out).fields().forEachRemaining(e -> refused.put(e.getKey(), e.getValue().asText()));
        return refused;
    }

    /**
     * YAML to JSON documents as a YAML-aware editor sees them, with the parser's bounds; null when the text is refused
     * before any schema applies. Empty documents are skipped, like the parser does.
     */
    static final class YamlToJson {
        private static final Set<Tag> SCALARS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);
        private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");
        private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

        private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
        private long chars;

        static List<JsonNode> documents(String text) {
            if (text.getBytes(StandardCharsets.UTF_8).length > ManifestParser.MAX_FILE_BYTES) {
                return null;
            }
            LoaderOptions o = new LoaderOptions();
            o.setAllowDuplicateKeys(false);
            o.setMaxAliasesForCollections(ManifestParser.MAX_ALIASES_FOR_COLLECTIONS);
            o.setAllowRecursiveKeys(false);
            o.setNestingDepthLimit(ManifestParser.MAX_NESTING_DEPTH);
            o.setCodePointLimit(ManifestParser.MAX_FILE_BYTES);
            Composer composer = new Composer(new ParserImpl(new StreamReader(text), o), new Resolver(), o);
            List<JsonNode> out = new ArrayList<>();
            try {
                while (composer.checkNode()) {
                    Node root = composer.getNode();
                    if (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL) && s.getValue().isEmpty()) {
                        continue;
                    }
                    if (out.size() == ManifestParser.MAX_DOCUMENTS) {
                        return null;
                    }
                    JsonNode doc = new YamlToJson().json(root);
                    if (doc == null) {
                        return null;
                    }
                    out.add(doc);
                }
            } catch (YAMLException | StackOverflowError e) {
                return null;
            }
            return out;
        }

        private JsonNode json(Node n) {
            if (!inProgress.add(n) || (chars += 1) > ManifestParser.MAX_EXPANDED_CHARS) {
                return null; // an alias to a node that contains it, or an alias bomb
            }
            try {
                JsonNodeFactory f = JsonNodeFactory.instance;
                if (n instanceof ScalarNode s) {
                    String v = s.getValue();
                    chars += v.length();
                    if (!SCALARS.contains(s.getTag()) || v.length() > ManifestParser.MAX_SCALAR_CHARS) {
                        return null;
                    }
                    Tag t = s.getTag();
                    if (t.equals(Tag.NULL)) {
                        return f.nullNode();
                    } else if (t.equals(Tag.BOOL)) {
                        return f.booleanNode(Set.of("true", "yes", "on").contains(v.toLowerCase()));
                    } else if (t.equals(Tag.INT) && DECIMAL.matcher(v).matches()) {
                        return f.numberNode(new BigInteger(v));
                    } else if (t.equals(Tag.FLOAT) && JSON_NUMBER.matcher(v).matches()) {
                        return f.numberNode(new BigDecimal(v));
                    }
                    return f.textNode(v); // strings, timestamps, and numbers JSON cannot spell (0x1F, .inf)
                }
                if (n instanceof SequenceNode seq) {
                    if (!seq.getTag().equals(Tag.SEQ) || seq.getValue().size() > ManifestParser.MAX_ITEMS) {
                        return null;
                    }
                    ArrayNode a = f.arrayNode();
                    for (Node item : seq.getValue()) {
                        JsonNode j = json(item);
                        if (j == null) {
                            return null;
                        }
                        a.add(j);
                    }
                    return a;
                }
                MappingNode map = (MappingNode) n;
                if (!map.getTag().equals(Tag.MAP) || map.getValue().size() > ManifestParser.MAX_ITEMS) {
                    return null;
                }
                ObjectNode o = f.objectNode();
                Set<String> keys = new HashSet<>();
                for (NodeTuple t : map.getValue()) {
                    if (!(t.getKeyNode() instanceof ScalarNode key) || !SCALARS.contains(key.getTag())
                            || !keys.add(key.getValue())) {
                        return null; // merge keys (<<), complex keys, duplicate keys
                    }
                    JsonNode value = json(t.getValueNode());
                    if (value == null) {
                        return null;
                    }
                    chars += key.getValue().length();
                    o.set(key.getValue(), value);
                }
                return o;
            } finally {
                inProgress.remove(n);
            }
        }
    }
}
