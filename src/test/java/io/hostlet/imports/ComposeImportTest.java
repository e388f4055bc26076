package io.hostlet.imports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The mapping, key by key: a compose service (under {@code services: app:}, so its first key is on line 3) and the
 * spec it becomes, and every key that is not carried over with the line it is reported at.
 */
class ComposeImportTest {

    static final Map<String, String> VARIABLES = Map.of("HOME", "/home/u", "TAG", "1.2", "EMPTY", "", "PASS", "s3cret");
    static final Path DIR = Path.of("/srv/stack");

    static ImportResult convert(String compose) {
        try {
            return ComposeImport.convert("compose.yml", compose, DIR, VARIABLES, null, ComposeImport.SCHEMA);
        } catch (ComposeImport.NotCompose e) {
            throw new AssertionError(e);
        }
    }

    /** {@code service} (lines of YAML) as the one service {@code app}. */
    static ImportResult service(String service) {
        return convert("services:\n  app:\n" + service.stripIndent().lines().map(l -> "    " + l)
                .reduce("", (a, b) -> a + b + "\n"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> document(ImportResult r, String name) {
        String content = r.files().stream().filter(f -> f.name().equals(name + ".yaml")).findFirst().orElseThrow().content();
        return (Map<String, Object>) new Yaml().load(content);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(ImportResult r) {
        return (Map<String, Object>) document(r, "app").get("spec");
    }

    static Stream<Arguments> conversions() {
        return Stream.of(
                arguments("image", "image: nginx:1.27", "image: nginx:1.27"),
                arguments("a floating tag is pulled only when missing, as compose does", "image: nginx",
                        "{image: nginx, imagePullPolicy: IfNotPresent}"),
                arguments("pull_policy always", "{image: nginx:1, pull_policy: always}",
                        "{image: nginx:1, imagePullPolicy: Always}"),
                arguments("command as a string is split like a shell", "{image: a:1, command: 'sh -c \"echo hi; sleep 1\"'}",
                        "{image: a:1, args: [sh, -c, 'echo hi; sleep 1']}"),
                arguments("command as a list", "{image: a:1, command: [run, --port, '80']}", "{image: a:1, args: [run, --port, '80']}"),
                arguments("entrypoint", "{image: a:1, entrypoint: /init.sh --x}", "{image: a:1, command: [/init.sh, --x]}"),
                arguments("working_dir", "{image: a:1, working_dir: /srv}", "{image: a:1, workingDir: /srv}"),
                arguments("environment as a map, values as text", "{image: a:1, environment: {A: 1, B: 'x y', C: true}}",
                        "{image: a:1, env: [{name: A, value: '1'}, {name: B, value: x y}, {name: C, value: 'true'}]}"),
                arguments("environment as a list", "{image: a:1, environment: [A=1, 'B=x=y']}",
                        "{image: a:1, env: [{name: A, value: '1'}, {name: B, value: x=y}]}"),
                arguments("interpolation: set, default, \\$\\$", "{image: 'a:${TAG}', environment: ['X=${NOPE:-d}', Y=$$HOME, "
                        + "'Z=${EMPTY:-e}', 'W=${EMPTY-e}']}",
                        "{image: a:1.2, env: [{name: X, value: d}, {name: Y, value: $HOME}, {name: Z, value: e},"
                                + " {name: W, value: ''}]}"),
                arguments("an anonymous volume is named after project, service and path", "{image: a:1, volumes: [/var/lib/data]}",
                        "{image: a:1, volumes: [{name: stack_app_var-lib-data, mountPath: /var/lib/data}]}"),
                arguments("host-gateway", "{image: a:1, extra_hosts: ['host.docker.internal:host-gateway']}",
                        "{image: a:1, extraHosts: ['host.docker.internal:host-gateway']}"),
                arguments("tty, stdin_open, platform and build beside an image are notes", "{image: a:1, tty: true,"
                        + " stdin_open: true, platform: linux/arm64, build: .}", "{image: a:1}"),
                arguments("env_file", "{image: a:1, env_file: [./conf/app.env]}", "{image: a:1, envFrom: [{file: app.env}]}"),
                arguments("env_file long form", "{image: a:1, env_file: [{path: app.env, required: true}]}",
                        "{image: a:1, envFrom: [{file: app.env}]}"),
                arguments("ports: host, IP, protocol, range, IPv6", "{image: a:1, ports: ['8080:80', '127.0.0.1:53:53/udp',"
                        + " '9000-9001:9000-9001', '[::1]:8443:443']}",
                        "{image: a:1, ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 53, hostPort: 53,"
                                + " protocol: UDP, hostIP: 127.0.0.1}, {containerPort: 9000, hostPort: 9000},"
                                + " {containerPort: 9001, hostPort: 9001}, {containerPort: 443, hostPort: 8443, hostIP: '::1'}]}"),
                arguments("ports long form", "{image: a:1, ports: [{target: 80, published: '8080', host_ip: 10.0.0.1,"
                        + " protocol: tcp, mode: host}]}",
                        "{image: a:1, ports: [{containerPort: 80, hostPort: 8080, hostIP: 10.0.0.1}]}"),
                arguments("expose", "{image: a:1, expose: ['3000', 5353/udp]}",
                        "{image: a:1, ports: [{containerPort: 3000}, {containerPort: 5353, protocol: UDP}]}"),
                arguments("expose before ports: the published port is the exposed one", "{image: a:1, expose: ['80'],"
                        + " ports: ['8080:80']}", "{image: a:1, ports: [{containerPort: 80, hostPort: 8080}]}"),
                arguments("named volume: compose's own volume name, so the data carries over",
                        "{image: a:1, volumes: ['data:/data', 'cache:/cache:ro']}",
                        "{image: a:1, volumes: [{name: stack_data, mountPath: /data}, {name: stack_cache, mountPath: /cache,"
                                + " readOnly: true}]}"),
                arguments("bind mounts: relative to the file, ~ to HOME, long form",
                        "{image: a:1, volumes: ['./conf:/etc/app:ro', '~/x:/x', {type: bind, source: /srv/m, target: /m,"
                                + " read_only: true}]}",
                        "{image: a:1, volumes: [{hostPath: /srv/stack/conf, mountPath: /etc/app, readOnly: true},"
                                + " {hostPath: /home/u/x, mountPath: /x}, {hostPath: /srv/m, mountPath: /m, readOnly: true}]}"),
                arguments("tmpfs key and tmpfs mounts", "{image: a:1, tmpfs: ['/run:size=64m'], volumes: [{type: tmpfs,"
                        + " target: /tmp, tmpfs: {size: 1g}}]}",
                        "{image: a:1, tmpfs: [{mountPath: /run, size: 64Mi}, {mountPath: /tmp, size: 1Gi}]}"),
                arguments("restart no", "{image: a:1, restart: 'no'}", "{image: a:1, restartPolicy: Never}"),
                arguments("restart unless-stopped", "{image: a:1, restart: unless-stopped}", "{image: a:1, restartPolicy: Always}"),
                arguments("restart on-failure", "{image: a:1, restart: on-failure}", "{image: a:1, restartPolicy: OnFailure}"),
                arguments("no restart: compose's default, no", "{image: a:1}", "{image: a:1, restartPolicy: Never}"),
                arguments("deploy restart_policy", "{image: a:1, deploy: {restart_policy: {condition: any}}}",
                        "{image: a:1, restartPolicy: Always}"),
                arguments("deploy limits", "{image: a:1, deploy: {resources: {limits: {cpus: '0.50', memory: 512M}}}}",
                        "{image: a:1, resources: {cpus: 0.5, memory: 512Mi}}"),
                arguments("mem_limit and cpus", "{image: a:1, mem_limit: 1gb, cpus: 2}",
                        "{image: a:1, resources: {memory: 1Gi, cpus: 2.0}}"),
                arguments("stop_grace_period", "{image: a:1, stop_grace_period: 1m30s}", "{image: a:1, stopGracePeriod: 90s}"),
                arguments("healthcheck CMD", "{image: a:1, healthcheck: {test: [CMD, curl, -f, 'http://localhost'],"
                        + " interval: 30s, timeout: 1.5s, retries: 3, start_period: 1m}}",
                        "{image: a:1, healthcheck: {exec: [curl, -f, 'http://localhost'], interval: 30s, timeout: 1500ms,"
                                + " retries: 3, startPeriod: 1m}}"),
                arguments("healthcheck CMD-SHELL and string", "{image: a:1, healthcheck: {test: [CMD-SHELL, 'pg_isready || exit 1']}}",
                        "{image: a:1, healthcheck: {exec: [/bin/sh, -c, 'pg_isready || exit 1']}}"),
                arguments("logging", "{image: a:1, logging: {driver: local, options: {max-size: 20m, max-file: 4}}}",
                        "{image: a:1, logging: {driver: local, options: {max-size: 20m, max-file: '4'}}}"),
                arguments("network_mode host", "{image: a:1, network_mode: host}", "{image: a:1, hostNetwork: true}"),
                arguments("pid and ipc host", "{image: a:1, pid: host, ipc: host}", "{image: a:1, hostPID: true, hostIPC: true}"),
                arguments("security", "{image: a:1, privileged: true, cap_add: [NET_ADMIN], cap_drop: [all], read_only: true,"
                        + " security_opt: ['no-new-privileges:true', 'seccomp=unconfined'], user: '1000:100'}",
                        "{image: a:1, securityContext: {privileged: true, capabilities: {add: [NET_ADMIN], drop: [ALL]},"
                                + " readOnlyRootFilesystem: true, noNewPrivileges: true, runAsUser: 1000, runAsGroup: 100,"
                                + " seccompProfile: {type: Unconfined}}}"),
                arguments("a user name", "{image: a:1, user: www-data}", "{image: a:1, user: www-data}"),
                arguments("devices", "{image: a:1, devices: ['/dev/dri:/dev/dri', '/dev/ttyUSB0:/dev/zigbee:rw']}",
                        "{image: a:1, devices: [{hostPath: /dev/dri}, {hostPath: /dev/ttyUSB0, containerPath: /dev/zigbee,"
                                + " permissions: rw}]}"),
                arguments("extra_hosts, hostname, dns", "{image: a:1, extra_hosts: ['printer:10.0.0.9', 'nas=10.0.0.2'],"
                        + " hostname: box, dns: 1.1.1.1}",
                        "{image: a:1, extraHosts: ['printer:10.0.0.9', 'nas:10.0.0.2'], hostname: box, dns: [1.1.1.1]}"),
                arguments("shm_size, sysctls, init, stop_signal", "{image: a:1, shm_size: 256m, sysctls: [net.core.somaxconn=1024],"
                        + " init: true, stop_signal: SIGINT}",
                        "{image: a:1, shmSize: 256Mi, sysctls: {net.core.somaxconn: '1024'}, init: true, stopSignal: SIGINT}"),
                arguments("ulimits", "{image: a:1, ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}}",
                        "{image: a:1, ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}}"),
                arguments("a container_name equal to the service name", "{image: a:1, container_name: app}", "{image: a:1}"),
                arguments("ipc private is Docker's default", "{image: a:1, ipc: private}", "{image: a:1}"),
                arguments("x- keys are compose's extensions, ignored by compose too", "{image: a:1, x-note: hi}", "{image: a:1}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversions")
    void convertsKey(String name, String compose, String expected) {
        ImportResult r = service(compose);

        assertThat(r.dropped()).as("dropped").isEmpty();
        Map<String, Object> spec = new LinkedHashMap<>(spec(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> want = new LinkedHashMap<>((Map<String, Object>) new Yaml().load(expected));
        if (!want.containsKey("restartPolicy") && "Never".equals(spec.get("restartPolicy"))) {
            spec.remove("restartPolicy");
        }
        assertThat(spec).isEqualTo(want);
    }

    static Stream<Arguments> notConverted() {
        return Stream.of(
                arguments("an unknown key", "{image: a:1, colour: blue}", "3: services.app.colour: not converted (unknown compose key)"),
                arguments("a required variable", "{image: a:1, hostname: '${NOPE:?set it}'}",
                        "3: services.app.hostname: not converted (variable NOPE is required: set it)"),
                arguments("a random host port", "{image: a:1, ports: ['3000']}",
                        "3: services.app.ports[0]: not converted (published on a random host port"),
                arguments("SELinux relabel", "{image: a:1, volumes: ['./x:/x:z']}",
                        "3: services.app.volumes[0]: not converted (the mount option \"z\""),
                arguments("network aliases", "{image: a:1, networks: {default: {aliases: [web]}}}",
                        "3: services.app.networks.default.aliases: not converted (hostlet gives a container one name"),
                arguments("network_mode service", "{image: a:1, network_mode: 'service:vpn'}",
                        "3: services.app.network_mode: not converted (hostlet joins the host's network or bridge networks"),
                arguments("ports with the host network", "{image: a:1, network_mode: host, ports: ['80:80']}",
                        "3: services.app.ports: not converted (hostlet refuses it with network_mode: host"),
                arguments("restart retries", "{image: a:1, restart: 'on-failure:3'}",
                        "3: services.app.restart: not converted (the retry limit 3"),
                arguments("reservations", "{image: a:1, deploy: {resources: {reservations: {memory: 1g}}}}",
                        "3: services.app.deploy.resources.reservations: not converted (hostlet sets limits only"),
                arguments("replicas", "{image: a:1, deploy: {replicas: 2}}",
                        "3: services.app.deploy.replicas: not converted (hostlet runs one container per manifest)"),
                arguments("healthcheck NONE", "{image: a:1, healthcheck: {test: [NONE]}}",
                        "3: services.app.healthcheck.test: not converted (test NONE switches off"),
                arguments("healthcheck start_interval", "{image: a:1, healthcheck: {test: [CMD, x], start_interval: 5s}}",
                        "3: services.app.healthcheck.start_interval: not converted (hostlet's health checks have one interval)"),
                arguments("a memory limit under hostlet's minimum", "{image: a:1, mem_limit: 4m}",
                        "3: services.app.mem_limit: not converted (hostlet refuses it: spec.resources.memory: must be at least 6Mi"),
                arguments("a capability hostlet does not know", "{image: a:1, cap_add: [FLY]}",
                        "3: services.app.cap_add[0]: not converted (hostlet refuses it: spec.securityContext.capabilities.add[0]:"
                                + " unknown capability"),
                arguments("a container_name", "{image: a:1, container_name: my_app}",
                        "3: services.app.container_name: not converted (hostlet names the container after its manifest, app"),
                arguments("a label file", "{image: a:1, label_file: ./labels}", "3: services.app.label_file: not converted"),
                arguments("configs", "{image: a:1, configs: [app_config]}", "3: services.app.configs: not converted (not"
                        + " converted yet: copy the file into the manifests folder, in a subfolder whose name starts with a dot"),
                arguments("security_opt label", "{image: a:1, security_opt: ['label=disable']}",
                        "3: services.app.security_opt[0]: not converted (hostlet sets no-new-privileges"),
                arguments("a label hostlet reserves", "{image: a:1, labels: {io.hostlet.owner: me}}",
                        "3: services.app.labels.io.hostlet.owner: not converted (hostlet refuses it: metadata.labels: label"
                                + " \"io.hostlet.owner\" is reserved"),
                arguments("two host ports for one container port", "{image: a:1, ports: ['80:80', '8080:80']}",
                        "3: services.app.ports[1]: not converted (hostlet refuses it: spec.ports[1]: duplicate containerPort"
                                + " 80/TCP"),
                arguments("deploy placement", "{image: a:1, deploy: {placement: {constraints: [node.role==manager]}}}",
                        "3: services.app.deploy.placement: not converted (a Swarm setting"),
                arguments("gpus", "{image: a:1, gpus: all}", "3: services.app.gpus: not converted (hostlet has no GPU requests"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notConverted")
    void reportsKey(String name, String compose, String expected) {
        ImportResult r = service(compose);

        assertThat(r.dropped()).as("dropped").hasSize(1);
        assertThat(r.dropped().get(0).toString()).startsWith("compose.yml:" + expected);
        assertThat(r.files()).as("the service is still written").hasSize(1);
    }

    @Test
    void linesPointAtTheKeyInABlockFile() {
        ImportResult r = convert("""
                services:
                  web:
                    image: nginx:1
                    restart: always
                    ports:
                      - "80:80"
                      - "8081"
                    group_add: [video]
                """);

        assertThat(r.dropped()).extracting(Object::toString).containsExactly(
                "compose.yml:7: services.web.ports[1]: not converted (published on a random host port in compose;"
                        + " hostlet publishes fixed host ports only: written as exposed, set HOST:CONTAINER to publish it)",
                "compose.yml:8: services.web.group_add: not converted (hostlet has no such setting)");
    }

    @Test
    void servicesShareTheProjectNetworkAndDependOnEachOtherByCondition() {
        ImportResult r = convert("""
                name: shop
                services:
                  db: {image: 'postgres:16', healthcheck: {test: pg_isready}}
                  migrate: {image: 'app:1', depends_on: {db: {condition: service_healthy}}}
                  web:
                    image: app:1
                    depends_on:
                      db: {condition: service_started}
                      migrate: {condition: service_completed_successfully, restart: true}
                """);

        assertThat(spec(r, "web")).containsEntry("networks", List.of("shop-default")).containsEntry("dependsOn", List.of(
                Map.of("name", "db"), Map.of("name", "migrate", "condition", "completed")));
        assertThat(spec(r, "migrate")).containsEntry("dependsOn", List.of(Map.of("name", "db", "condition", "healthy")));
        assertThat(r.dropped()).extracting(Object::toString).containsExactly("compose.yml:9: services.web.depends_on.migrate"
                + ".restart: not converted (hostlet does not restart a container when one it depends on restarts)");
    }

    @Test
    void namedNetworksAndVolumesKeepTheirNamesOrGetTheProjectPrefix() {
        ImportResult r = convert("""
                services:
                  aa:
                    image: a:1
                    networks: [front, shared]
                    volumes: [data:/data, legacy:/legacy, ext:/ext]
                  bb: {image: 'b:1'}
                networks:
                  front:
                  shared: {name: proxy}
                volumes:
                  data:
                  legacy: {name: old_data}
                  ext: {external: true}
                """);

        assertThat(spec(r, "aa")).containsEntry("networks", List.of("stack-front", "proxy")).containsEntry("volumes", List.of(
                Map.of("name", "stack_data", "mountPath", "/data"), Map.of("name", "old_data", "mountPath", "/legacy"),
                Map.of("name", "ext", "mountPath", "/ext")));
        assertThat(spec(r, "bb")).containsEntry("networks", List.of("stack-default"));
        assertThat(r.dropped()).isEmpty();
    }

    @Test
    void aLoneServiceStaysOnDockersDefaultBridge() {
        assertThat(spec(service("image: a:1"))).doesNotContainKey("networks");
    }

    @Test
    void topLevelSettingsHostletLacksAreReported() {
        ImportResult r = convert("""
                services:
                  aa: {image: 'a:1', networks: [edge]}
                networks:
                  edge:
                    external: true
                    driver: macvlan
                volumes:
                  data:
                    driver_opts: {type: nfs}
                include: [other.yml]
                """);

        assertThat(r.dropped()).extracting(Object::toString).containsExactly(
                "compose.yml:5: networks.edge.external: not converted (hostlet creates the networks it uses; a network of"
                        + " that name not created by hostlet is a conflict: remove it and let hostlet create it)",
                "compose.yml:6: networks.edge.driver: not converted (hostlet creates bridge networks only)",
                "compose.yml:9: volumes.data.driver_opts: not converted (hostlet's named volumes are plain local volumes)",
                "compose.yml:10: include: not converted (import each included file on its own)");
    }

    @Test
    void aServiceWithoutAnImageIsNotWritten() {
        ImportResult r = convert("""
                services:
                  app: {build: .}
                  db: {image: 'postgres:16'}
                  web: {image: 'nginx:1', depends_on: [app, db]}
                """);

        assertThat(r.files()).extracting(ImportResult.OutputFile::name).containsExactly("db.yaml", "web.yaml");
        assertThat(r.dropped()).extracting(Object::toString).containsExactly(
                "compose.yml:2: services.app: not converted (no image: hostlet does not build images; build and tag it,"
                        + " then set image)",
                "compose.yml:4: services.web.depends_on.app: not converted (the service \"app\" is not converted)");
        assertThat(spec(r, "web")).containsEntry("dependsOn", List.of(Map.of("name", "db")));
    }

    @Test
    void aServiceWhoseImageCannotBeResolvedIsNotWritten() {
        ImportResult r = convert("""
                services:
                  app:
                    image: app:${NOPE:?the tag}
                    command: run
                """);

        assertThat(r.files()).isEmpty();
        assertThat(r.dropped()).extracting(Object::toString).containsExactly(
                "compose.yml:2: services.app: not converted (its image is not converted)",
                "compose.yml:3: services.app.image: not converted (variable NOPE is required: the tag)");
    }

    @Test
    void aServiceNameThatIsNoDnsLabelIsRenamedAndReported() {
        ImportResult r = convert("""
                services:
                  My_App: {image: 'a:1'}
                """);

        assertThat(r.files()).extracting(ImportResult.OutputFile::name).containsExactly("my-app.yaml");
        assertThat(r.dropped()).extracting(Object::toString).containsExactly("compose.yml:2: services.My_App: not converted"
                + " (hostlet names are DNS labels: written as my-app, the name other containers reach it by)");
    }

    @Test
    void mergeKeysAreApplied() {
        ImportResult r = convert("""
                x-common: &common
                  restart: always
                  environment: {TZ: UTC}
                services:
                  app:
                    <<: *common
                    image: a:1
                    environment: {TZ: Europe/Paris}
                """);

        assertThat(spec(r)).containsEntry("restartPolicy", "Always")
                .containsEntry("env", List.of(Map.of("name", "TZ", "value", "Europe/Paris")));
    }

    @Test
    void variableValuesAreNeverReportedOnlyTheirNames() {
        ImportResult r = service("{image: a:1, environment: {P: $PASS}}");

        assertThat(r.notices()).anyMatch(n -> n.contains("PASS")).noneMatch(n -> n.contains("s3cret"));
        assertThat(r.dropped()).isEmpty();
    }

    @Test
    void whatTheDefaultPolicyRefusesIsANoticeWithTheConfigurationThatAllowsIt() {
        ImportResult r = service("{image: a:1, privileged: true, network_mode: host}");

        assertThat(r.notices()).contains("app.yaml: the default policy (baseline) refuses what it asks for (privileged,"
                + " hostNetwork); only hostlet's configuration can allow it: hostlet.policy.allow.\"app\"=privileged,hostNetwork");
    }

    @Test
    void eachFileStartsWithTheSchemaLine() {
        assertThat(service("image: a:1").files().get(0).content())
                .startsWith("# yaml-language-server: $schema=https://hostlet.io/schema/hostlet-v1.json\n");
    }

    @Test
    void somethingThatIsNoComposeFileConvertsNothing() {
        assertThatThrownBy(() -> ComposeImport.convert("f", "[1, 2]", DIR, Map.of(), null, "s"))
                .isInstanceOf(ComposeImport.NotCompose.class);
        assertThatThrownBy(() -> ComposeImport.convert("f", "version: '3'\n", DIR, Map.of(), null, "s"))
                .hasMessage("no services");
        assertThatThrownBy(() -> ComposeImport.convert("f", "services: {a: [\n", DIR, Map.of(), null, "s"))
                .hasMessageStartingWith("invalid YAML");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(ImportResult r, String name) {
        return (Map<String, Object>) document(r, name).get("spec");
    }
}
