package io.hostlet.manifest;

import io.hostlet.manifest.ContainerSpec.EnvVar;
import io.hostlet.manifest.ContainerSpec.PortMapping;
import io.hostlet.manifest.ContainerSpec.Protocol;
import io.hostlet.manifest.ContainerSpec.Resources;
import io.hostlet.manifest.ContainerSpec.VolumeMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ManifestParserTest {

    private static final String FULL_EXAMPLE = """
            apiVersion: hostlet.io/v1
            kind: Container
            metadata:
              name: web
              labels: {tier: frontend}
            spec:
              image: nginx:1.27-alpine
              imagePullPolicy: IfNotPresent
              command: ["/bin/sh"]
              args: ["-c", "exec httpd -f -p 80"]
              workingDir: /srv
              user: "1000:1000"
              env:
                - {name: MODE, value: prod}
              ports:
                - {containerPort: 80, hostPort: 8080, protocol: TCP, hostIP: 127.0.0.1}
              volumes:
                - {name: data, mountPath: /data}
                - {hostPath: /srv/site, mountPath: /site, readOnly: true}
              networks: [app]
              restartPolicy: Always
              resources: {memory: 256Mi, cpus: 0.5}
              stopGracePeriod: 10s
            """;

    /** A valid document whose spec ends with {@code specLines} (each indented by two), starting at line 7. */
    private static String withSpec(String... specLines) {
        return SpecYaml.withImage("nginx:1.27", specLines);
    }

    private static ParseResult parse(String yaml) {
        return ManifestParser.parse("team/web.yaml", yaml);
    }

    private static ContainerManifest single(String yaml) {
        ParseResult result = parse(yaml);
        assertThat(result.errors()).isEmpty();
        assertThat(result.manifests()).hasSize(1);
        return result.manifests().get(0);
    }

    private static List<String> errors(String yaml) {
        ParseResult result = parse(yaml);
        assertThat(result.manifests()).as("a file with errors yields no manifests").isEmpty();
        return result.errors().stream().map(e -> {
            assertThat(e.file()).isEqualTo("team/web.yaml");
            return e.line() + ":" + e.column() + ": " + e.message();
        }).toList();
    }

    @Test
    void parsesTheFullExampleIntoTheExpectedManifest() {
        ContainerSpec spec = Specs.spec("nginx:1.27-alpine").imagePullPolicy(PullPolicy.IfNotPresent)
                .command(List.of("/bin/sh")).args(List.of("-c", "exec httpd -f -p 80")).workingDir("/srv")
                .user("1000:1000").env(List.of(new EnvVar("MODE", "prod")))
                .ports(List.of(new PortMapping(80, 8080, Protocol.TCP, "127.0.0.1")))
                .volumes(List.of(new VolumeMount("data", null, "/data", false),
                        new VolumeMount(null, "/srv/site", "/site", true)))
                .networks(List.of("app")).restartPolicy(RestartPolicy.Always)
                .resources(new Resources(256L * 1024 * 1024, 0.5)).stopGracePeriod(Duration.ofSeconds(10)).build();

        assertThat(single(FULL_EXAMPLE)).isEqualTo(
                new ContainerManifest("web", Map.of("tier", "frontend"), spec, new SourceRef("team/web.yaml", 1)));
    }

    @Test
    void givesAbsentFieldsTheirDefaults() {
        assertThat(single(withSpec()).spec()).isEqualTo(Specs.spec("nginx:1.27").build());
        assertThat(single(withSpec()).labels()).isEmpty();
    }

    @Test
    void treatsFieldsWrittenAsNullAsAbsent() {
        assertThat(single(withSpec("command:", "workingDir: ~", "resources: null")).spec())
                .isEqualTo(Specs.spec("nginx:1.27").build());
    }

    @ParameterizedTest(name = "{0} defaults to {1}")
    @CsvSource({
            "nginx, Always",
            "nginx:latest, Always",
            "nginx:1.27, IfNotPresent",
            "registry:5000/app, Always",
            "registry:5000/app:2, IfNotPresent",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, IfNotPresent",
    })
    void defaultPullPolicyFollowsTheImageReference(String image, PullPolicy expected) {
        String yaml = withSpec().replace("image: nginx:1.27", "image: \"" + image + "\"");
        assertThat(single(yaml).spec().imagePullPolicy()).isEqualTo(expected);
    }

    @Test
    void anExplicitPullPolicyWinsOverTheDefault() {
        assertThat(single(withSpec("imagePullPolicy: Never")).spec().imagePullPolicy()).isEqualTo(PullPolicy.Never);
    }

    @Test
    void readsScalarsWhereStringsAreExpectedAsTheirText() {
        ContainerManifest m = single(withSpec(
                "user: 1000",
                "env:",
                "  - {name: PORT, value: 8080}",
                "  - {name: DEBUG, value: true}",
                "  - {name: RATIO, value: 0.50}",
                "  - {name: EMPTY}",
                "  - {name: NULL_VALUE, value: ~}",
                "command: [sleep, 30]"));

        assertThat(m.spec().user()).isEqualTo("1000");
        assertThat(m.spec().env()).containsExactly(new EnvVar("PORT", "8080"), new EnvVar("DEBUG", "true"),
                new EnvVar("RATIO", "0.50"), new EnvVar("EMPTY", ""), new EnvVar("NULL_VALUE", ""));
        assertThat(m.spec().command()).containsExactly("sleep", "30");
    }

    @ParameterizedTest(name = "memory {0} is {1} bytes")
    @CsvSource({
            "6291456, 6291456",
            "6Mi, 6291456",
            "256Mi, 268435456",
            "1Gi, 1073741824",
            "10M, 10000000",
            "2G, 2000000000",
            "1Ti, 1099511627776",
            "1T, 1000000000000",
            "8000k, 8000000",
            "8192Ki, 8388608",
    })
    void readsMemoryWithAndWithoutUnits(String memory, long bytes) {
        assertThat(single(withSpec("resources: {memory: " + memory + "}")).spec().resources())
                .isEqualTo(new Resources(bytes, null));
    }

    @ParameterizedTest(name = "stopGracePeriod {0} is {1}")
    @CsvSource({
            "0s, PT0S",
            "500ms, PT0.5S",
            "10s, PT10S",
            "1m30s, PT1M30S",
            "10m, PT10M",
            "9m59s999ms, PT9M59.999S",
    })
    void readsGracePeriodsWithUnits(String text, Duration expected) {
        assertThat(single(withSpec("stopGracePeriod: " + text)).spec().stopGracePeriod()).isEqualTo(expected);
    }

    @Test
    void readsEveryDocumentOfAFileAndSkipsEmptyOnes() {
        String yaml = """
                # leading comment
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: one}
                spec: {image: "busybox:1"}
                ---
                # a document of comments only
                ---
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: two}
                spec: {image: "busybox:1"}
                ---
                """;

        assertThat(parse(yaml).errors()).isEmpty();
        assertThat(parse(yaml).manifests()).extracting(ContainerManifest::name, ContainerManifest::source)
                .containsExactly(
                        tuple("one", new SourceRef("team/web.yaml", 2)),
                        tuple("two", new SourceRef("team/web.yaml", 9)));
    }

    @Test
    void aFileOfCommentsOnlyHasNoManifestsAndNoErrors() {
        assertThat(parse("# nothing here yet\n")).isEqualTo(new ParseResult(List.of(), List.of()));
        assertThat(parse("")).isEqualTo(new ParseResult(List.of(), List.of()));
    }

    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                arguments("a document that is not a mapping", "- a\n- b\n",
                        List.of("1:1: expected a mapping, got a list")),
                arguments("a document that is a bare scalar", "hello\n",
                        List.of("1:1: expected a mapping, got \"hello\"")),
                arguments("no apiVersion", "kind: Container\nmetadata: {name: web}\nspec: {image: x}\n",
                        List.of("1:1: apiVersion is required")),
                arguments("another apiVersion", withSpec().replace("hostlet.io/v1", "v1"),
                        List.of("1:13: apiVersion: expected \"hostlet.io/v1\", got \"v1\"")),
                arguments("a one-letter container name, which Docker refuses", withSpec().replace("name: web", "name: w"),
                        List.of("4:9: metadata.name: must be at least 2 characters (Docker refuses a one-letter container"
                                + " name), got \"w\"")),
                arguments("an unknown kind", withSpec().replace("kind: Container", "kind: Pod"),
                        List.of("2:7: kind: unknown kind \"Pod\" (supported: Container, Image)")),
                arguments("no metadata and no spec", "apiVersion: hostlet.io/v1\nkind: Container\n",
                        List.of("1:1: metadata is required", "1:1: spec is required")),
                arguments("an unknown top-level field", withSpec() + "status: {}\n",
                        List.of("7:1: unknown field \"status\" at the top level (known: apiVersion, kind, metadata, spec)")),
                arguments("an unknown metadata field", withSpec().replace("  name: web", "  name: web\n  namespace: x"),
                        List.of("5:3: unknown field \"namespace\" in metadata (known: name, labels)")),
                arguments("a missing name", withSpec().replace("  name: web", "  labels: {}"),
                        List.of("4:3: metadata.name is required")),
                arguments("a name written as null", withSpec().replace("  name: web", "  name:"),
                        List.of("4:3: metadata.name is required")),
                arguments("an invalid name", withSpec().replace("name: web", "name: Web_1"),
                        List.of("4:9: metadata.name: must be 1-63 lowercase letters, digits or '-', starting and ending"
                                + " with a letter or digit, got \"Web_1\"")),
                arguments("a reserved label", withSpec().replace("  name: web", "  name: web\n  labels: {ok: 1, io.hostlet.owner: me}"),
                        List.of("5:19: metadata.labels: label \"io.hostlet.owner\" is reserved (keys starting with"
                                + " \"io.hostlet.\" belong to hostlet)")),
                arguments("a label value that is a list", withSpec().replace("  name: web", "  name: web\n  labels: {a: [1]}"),
                        List.of("5:15: metadata.labels.a: expected a string, got a list")),
                arguments("an unknown spec field", withSpec("imagePolicy: Always"),
                        List.of("7:3: unknown field \"imagePolicy\" in spec (known: image, imagePullPolicy, command, args,"
                                + " workingDir, user, env, ports, volumes, networks, restartPolicy, resources, stopGracePeriod,"
                                + " healthcheck, restartOnUnhealthy, dependsOn, suspend, hostNetwork, hostPID, hostIPC, securityContext, devices, extraHosts, hostname, dns, tmpfs, shmSize, sysctls, init, stopSignal, ulimits, logging, envFrom, files, secrets, update)")),
                arguments("a missing image", withSpec().replace("  image: nginx:1.27\n", "  user: me\n"),
                        List.of("6:3: spec.image is required")),
                arguments("an image with whitespace", withSpec().replace("nginx:1.27", "\"nginx 1.27\""),
                        List.of("6:10: spec.image: must be non-empty with no whitespace, got \"nginx 1.27\"")),
                arguments("an empty image", withSpec().replace("nginx:1.27", "''"),
                        List.of("6:10: spec.image: must be non-empty with no whitespace, got \"\"")),
                arguments("an image that is a mapping", withSpec().replace("nginx:1.27", "{name: nginx}"),
                        List.of("6:10: spec.image: expected a string, got a mapping")),
                arguments("an unknown pull policy", withSpec("imagePullPolicy: always"),
                        List.of("7:20: spec.imagePullPolicy: expected one of Always, IfNotPresent, Never, got \"always\"")),
                arguments("a command that is a string", withSpec("command: /bin/sh -c true"),
                        List.of("7:12: spec.command: expected a list, got a string (not shown: commands may hold secrets; write a list of words)")),
                arguments("an args item that is a list", withSpec("args: [a, [b]]"),
                        List.of("7:13: spec.args[1]: expected a string, got a list")),
                arguments("a null args item", withSpec("args: [a, null]"),
                        List.of("7:13: spec.args[1]: expected a string, got null")),
                arguments("a relative workingDir", withSpec("workingDir: srv"),
                        List.of("7:15: spec.workingDir: expected an absolute path, got \"srv\"")),
                arguments("env that is a mapping", withSpec("env: {MODE: prod}"),
                        List.of("7:8: spec.env: expected a list, got a mapping")),
                arguments("an env var without a name", withSpec("env:", "  - {value: x}"),
                        List.of("8:7: spec.env[0].name is required")),
                arguments("an env name with '='", withSpec("env:", "  - {name: A=B}"),
                        // the name is not quoted: "A=B" is a value put in the name, and values may be secrets
                        List.of("8:14: spec.env[0].name: must not contain '=' (put the value in value:; the name is not"
                                + " shown, it may hold one)")),
                arguments("a duplicate env name", withSpec("env:", "  - {name: A}", "  - {name: B}", "  - {name: A, value: 2}"),
                        List.of("10:14: spec.env[2].name: duplicate name \"A\" (first at spec.env[0])")),
                arguments("an unknown env field", withSpec("env:", "  - {name: A, valueFile: x}"),
                        List.of("8:17: unknown field \"valueFile\" in spec.env[0] (known: name, value, valueFrom)")),
                arguments("a port without containerPort", withSpec("ports:", "  - {hostPort: 8080}"),
                        List.of("8:7: spec.ports[0].containerPort is required")),
                arguments("a containerPort that is not a number", withSpec("ports:", "  - {containerPort: abc}"),
                        List.of("8:23: spec.ports[0].containerPort: expected an integer 1-65535, got \"abc\"")),
                arguments("a containerPort of 0", withSpec("ports:", "  - {containerPort: 0}"),
                        List.of("8:23: spec.ports[0].containerPort: expected an integer 1-65535, got \"0\"")),
                arguments("a hostPort above 65535", withSpec("ports:", "  - {containerPort: 80, hostPort: 65536}"),
                        List.of("8:37: spec.ports[0].hostPort: expected an integer 1-65535, got \"65536\"")),
                arguments("a negative hostPort", withSpec("ports:", "  - {containerPort: 80, hostPort: -1}"),
                        List.of("8:37: spec.ports[0].hostPort: expected an integer 1-65535, got \"-1\"")),
                arguments("an unknown protocol", withSpec("ports:", "  - {containerPort: 80, protocol: SCTP}"),
                        List.of("8:37: spec.ports[0].protocol: expected one of TCP, UDP, got \"SCTP\"")),
                arguments("a host name as hostIP", withSpec("ports:", "  - {containerPort: 80, hostIP: localhost}"),
                        List.of("8:35: spec.ports[0].hostIP: expected an IPv4 or IPv6 address, got \"localhost\"")),
                arguments("an IPv4 hostIP out of range", withSpec("ports:", "  - {containerPort: 80, hostIP: 1.2.3.256}"),
                        List.of("8:35: spec.ports[0].hostIP: expected an IPv4 or IPv6 address, got \"1.2.3.256\"")),
                arguments("a malformed IPv6 hostIP", withSpec("ports:", "  - {containerPort: 80, hostIP: \"1::2::3\"}"),
                        List.of("8:35: spec.ports[0].hostIP: expected an IPv4 or IPv6 address, got \"1::2::3\"")),
                arguments("a duplicate containerPort and protocol", withSpec("ports:", "  - {containerPort: 53, protocol: UDP}",
                                "  - {containerPort: 53}", "  - {containerPort: 53, protocol: UDP, hostPort: 5353}"),
                        List.of("10:7: spec.ports[2]: duplicate containerPort 53/UDP (first at spec.ports[0])")),
                arguments("a volume with both name and hostPath", withSpec("volumes:", "  - {name: d, hostPath: /d, mountPath: /d}"),
                        List.of("8:7: spec.volumes[0]: set exactly one of \"name\" (a named volume) or \"hostPath\" (a bind mount)")),
                arguments("a volume with neither name nor hostPath", withSpec("volumes:", "  - {mountPath: /d}"),
                        List.of("8:7: spec.volumes[0]: set exactly one of \"name\" (a named volume) or \"hostPath\" (a bind mount)")),
                arguments("a volume without mountPath", withSpec("volumes:", "  - {name: d}"),
                        List.of("8:7: spec.volumes[0].mountPath is required")),
                arguments("a relative hostPath", withSpec("volumes:", "  - {hostPath: site, mountPath: /site}"),
                        List.of("8:18: spec.volumes[0].hostPath: expected an absolute path, got \"site\"")),
                arguments("a relative mountPath", withSpec("volumes:", "  - {name: d, mountPath: data}"),
                        List.of("8:28: spec.volumes[0].mountPath: expected an absolute path, got \"data\"")),
                arguments("an invalid volume name", withSpec("volumes:", "  - {name: -d, mountPath: /d}"),
                        List.of("8:14: spec.volumes[0].name: must be letters, digits, '_', '.' or '-', starting with a"
                                + " letter or digit, got \"-d\"")),
                arguments("a readOnly that is not a boolean", withSpec("volumes:", "  - {name: d, mountPath: /d, readOnly: \"true\"}"),
                        List.of("8:42: spec.volumes[0].readOnly: expected true or false, got \"true\"")),
                arguments("a duplicate mountPath", withSpec("volumes:", "  - {name: d, mountPath: /d}",
                                "  - {hostPath: /srv, mountPath: /d}"),
                        List.of("9:35: spec.volumes[1].mountPath: duplicate mountPath \"/d\" (first at spec.volumes[0])")),
                arguments("a reserved network", withSpec("networks: [app, host]"),
                        List.of("7:19: spec.networks[1]: network \"host\" is reserved (bridge, host and none are Docker's own)")),
                arguments("a duplicate network", withSpec("networks: [app, app]"),
                        List.of("7:19: spec.networks[1]: duplicate network \"app\" (first at spec.networks[0])")),
                arguments("an invalid network name", withSpec("networks: [App]"),
                        List.of("7:14: spec.networks[0]: must be 1-63 lowercase letters, digits or '-', starting and"
                                + " ending with a letter or digit, got \"App\"")),
                arguments("an unknown restart policy", withSpec("restartPolicy: unless-stopped"),
                        List.of("7:18: spec.restartPolicy: expected one of Always, OnFailure, Never, got \"unless-stopped\"")),
                arguments("memory below Docker's minimum", withSpec("resources: {memory: 4Mi}"),
                        List.of("7:23: spec.resources.memory: must be at least 6Mi (Docker's minimum), got \"4Mi\"")),
                arguments("memory with an unknown unit", withSpec("resources: {memory: 256MB}"),
                        List.of("7:23: spec.resources.memory: expected bytes like 268435456, 256Mi or 1G, got \"256MB\"")),
                arguments("memory that overflows", withSpec("resources: {memory: 9999999999Ti}"),
                        List.of("7:23: spec.resources.memory: expected bytes like 268435456, 256Mi or 1G, got \"9999999999Ti\"")),
                arguments("zero cpus", withSpec("resources: {cpus: 0}"),
                        List.of("7:21: spec.resources.cpus: expected a number greater than 0, got \"0\"")),
                arguments("cpus that are not a number", withSpec("resources: {cpus: .nan}"),
                        List.of("7:21: spec.resources.cpus: expected a number greater than 0, got \".nan\"")),
                arguments("an unknown resources field", withSpec("resources: {gpus: 1}"),
                        List.of("7:15: unknown field \"gpus\" in spec.resources (known: memory, cpus)")),
                arguments("a grace period without a unit", withSpec("stopGracePeriod: 10"),
                        List.of("7:20: spec.stopGracePeriod: expected a duration from 0s to 10m like 10s, 500ms or 1m30s, got \"10\"")),
                arguments("a grace period over ten minutes", withSpec("stopGracePeriod: 10m1s"),
                        List.of("7:20: spec.stopGracePeriod: expected a duration from 0s to 10m like 10s, 500ms or 1m30s, got \"10m1s\"")),
                arguments("a duplicate key", withSpec("restartPolicy: Never", "restartPolicy: Always"),
                        List.of("8:3: duplicate field \"restartPolicy\" in spec (first at line 7)")),
                arguments("a duplicate top-level key", withSpec() + "kind: Container\n",
                        List.of("7:1: duplicate field \"kind\" at the top level (first at line 2)")),
                arguments("a merge key", "base: &b {image: x}\n" + withSpec("<<: *b"),
                        List.of("1:1: unknown field \"base\" at the top level (known: apiVersion, kind, metadata, spec)",
                                "8:3: merge keys (<<) are not supported in spec")),
                arguments("a key that is a list", withSpec("[a]: b"),
                        List.of("7:3: spec: expected a plain field name, got a list")),
                arguments("a local tag", withSpec("user: !secret me"),
                        List.of("7:9: spec.user: tag !secret is not allowed (hostlet reads plain YAML only)")),
                arguments("a Java class tag", withSpec("user: !!java.lang.ProcessBuilder [rm]"),
                        List.of("7:9: invalid YAML: Global tag is not allowed: tag:yaml.org,2002:java.lang.ProcessBuilder")),
                arguments("a binary scalar", withSpec("user: !!binary aGk="),
                        List.of("7:9: spec.user: tag !!binary is not allowed (hostlet reads plain YAML only)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void reportsEachErrorAtTheOffendingNode(String description, String yaml, List<String> expected) {
        assertThat(errors(yaml)).containsExactlyElementsOf(expected);
    }

    @Test
    void collectsEveryErrorInEveryDocument() {
        String yaml = """
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: Web}
                spec:
                  image: nginx
                  ports: [{containerPort: 0}]
                  restartPolicy: sometimes
                ---
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: ok}
                spec: {image: nginx, extra: 1}
                """;

        assertThat(errors(yaml)).containsExactly(
                "3:18: metadata.name: must be 1-63 lowercase letters, digits or '-', starting and ending with a letter"
                        + " or digit, got \"Web\"",
                "6:27: spec.ports[0].containerPort: expected an integer 1-65535, got \"0\"",
                "7:18: spec.restartPolicy: expected one of Always, OnFailure, Never, got \"sometimes\"",
                "12:22: unknown field \"extra\" in spec (known: image, imagePullPolicy, command, args, workingDir, user,"
                        + " env, ports, volumes, networks, restartPolicy, resources, stopGracePeriod, healthcheck,"
                        + " restartOnUnhealthy, dependsOn, suspend, hostNetwork, hostPID, hostIPC, securityContext, devices, extraHosts, hostname, dns, tmpfs, shmSize, sysctls, init, stopSignal, ulimits, logging, envFrom, files, secrets, update)");
    }

    @Test
    void oneInvalidDocumentInvalidatesTheWholeFile() {
        String yaml = withSpec() + "---\n" + withSpec("bogus: 1");

        ParseResult result = parse(yaml);

        assertThat(result.manifests()).isEmpty();
        assertThat(result.errors()).extracting(ManifestError::line).containsExactly(14);
    }

    @Test
    void reportsAYamlSyntaxErrorAtTheProblemPosition() {
        String yaml = withSpec("command: [a, b", "args: []");

        assertThat(errors(yaml)).containsExactly(
                "8:7: invalid YAML: expected ',' or ']', but got : (while parsing a flow sequence started at line 7)");
    }

    @Test
    void reportsBadIndentationAtTheProblemPosition() {
        assertThat(errors(withSpec("  user: me"))).containsExactly("7:9: invalid YAML: mapping values are not allowed here");
    }

    @Test
    void keepsErrorsOfDocumentsBeforeASyntaxError() {
        String yaml = withSpec("bogus: 1") + "---\nkey: [\n";

        assertThat(errors(yaml)).hasSize(2).first().asString().startsWith("7:3: unknown field \"bogus\"");
    }

    @Test
    void refusesAnAliasBombQuicklyWithAnError() {
        String bomb = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
                """;

        List<String> errors = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> errors(bomb));

        assertThat(errors).containsExactly(
                "4:17: invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=20");
    }

    @Test
    void walksAFewAliasesWithoutExpandingThemTwice() {
        String yaml = withSpec("command: &cmd [sleep, infinity]", "args: *cmd");

        assertThat(single(yaml).spec().args()).containsExactly("sleep", "infinity");
    }

    @Test
    void refusesARecursiveStructureWithoutLooping() {
        // An alias is the anchored node itself, so the error points at the anchor.
        String yaml = withSpec("command: &c [a, *c]");

        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> errors(yaml)))
                .containsExactly("7:12: spec.command[1]: expected a string, got a list");
    }

    /** Counts its instances, to prove that no tag ever makes the parser construct an object. */
    public static final class Canary {
        static int created;

        public Canary() {
            created++;
        }
    }

    @Test
    void neverConstructsAnObjectNamedByATag() {
        String yaml = withSpec("user: !!io.hostlet.manifest.ManifestParserTest$Canary {}");

        List<String> errors = errors(yaml);

        assertThat(Canary.created).isZero();
        assertThat(errors).containsExactly("7:9: invalid YAML: Global tag is not allowed:"
                + " tag:yaml.org,2002:io.hostlet.manifest.ManifestParserTest$Canary");
    }

    @Test
    void refusesATagOnTheDocumentItself() {
        assertThat(errors("--- !secret\napiVersion: hostlet.io/v1\n"))
                .containsExactly("1:5: tag !secret is not allowed (hostlet reads plain YAML only)");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"\u0000", "\uFEFFapiVersion: [", "a: \"\\q\"", "*undefined", "&a [*a]", "? [a]\n: b\n",
            "!!map []", "!!seq {}", "!!int abc", "%YAML 1.1\n---\na: 1", "%TAG !e! tag:evil.com,2000:\n--- !e!x {}",
            "!<tag:example.com,2000:x> {}", "- - - -", "{a: 1, a: 1}", "key: |\n  text\n", "a: b: c", "\t- x",
            "metadata: &m {name: web}\nspec: *m\n", "[1, 2", "'unterminated", "a: 1\n...\nb: 2"})
    void turnsOddInputIntoErrorsWithoutThrowing(String yaml) {
        ParseResult result = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> parse(yaml));

        assertThat(result.errors()).isNotEmpty();
        assertThat(result.manifests()).isEmpty();
    }

    @Test
    void refusesAFileLargerThanOneMebibyte() {
        String yaml = withSpec() + "# " + "x".repeat(ManifestParser.MAX_FILE_BYTES) + "\n";

        assertThat(errors(yaml)).containsExactly("0:0: file is larger than 1 MiB");
    }

    @Test
    void refusesDeepNestingWithAnError() {
        String yaml = withSpec("command: " + "[".repeat(100) + "]".repeat(100));

        assertThat(errors(yaml)).singleElement().asString().startsWith("7:212: invalid YAML: Nesting Depth exceeded max 50");
    }
}
