package io.hostlet.engine;

import io.hostlet.manifest.RuntimeSpec;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.VolumeOptions;
import java.util.LinkedHashMap;
import io.hostlet.observed.AnonymousVolume;
import io.hostlet.observed.LastRun;
import io.hostlet.observed.LocalImage;
import io.hostlet.observed.LocalImages;
import io.hostlet.observed.Labels;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.FileSources;
import io.hostlet.manifest.ImageRefs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link Engine} on the Docker Engine API through docker-java. The only class that imports docker-java.
 *
 * <p>Two clients share the host: a fast one whose response timeout bounds every ordinary call, so a hung
 * engine cannot freeze the loop, and a slow one for calls that legitimately take long (pulls, stops that
 * wait out a grace period).
 */
public final class DockerEngine implements Engine, AutoCloseable {

    private static final int LOG_TAIL_MAX_BYTES = 4096;
    private static final Duration LOG_TAIL_TIMEOUT = Duration.ofSeconds(5);
    /** How Docker writes "never" in timestamps. */
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final Duration SLOW_TIMEOUT = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Leaves unset auth fields out of X-Registry-Auth rather than sending them as null. */
    private static final ObjectMapper AUTH_JSON = new ObjectMapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private final String instance;
    private final DockerClient fast;
    private final DockerClient slow;
    /** The fast client's transport, for the one call docker-java has no command for (distribution inspect). */
    private final DockerHttpClient fastHttp;
    /** The slow client's transport, for Podman's registry check (a pull when the registry's manifest moved). */
    private final DockerHttpClient slowHttp;
    private final RegistryAuth auth;
    private final Duration timeout;
    private final AtomicLong calls = new AtomicLong();
    /** Which engine answers (see {@link EngineDialect}); asked at the first call that needs it and at each ping. */
    private volatile EngineDialect dialect;

    /**
     * @param host     engine address, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://127.0.0.1:2375}
     * @param instance this hostlet's instance label: only objects carrying it are observed
     * @param timeout  bound on every ordinary call
     * @param auth     the registries' credentials, for pulls and registry checks
     */
    public DockerEngine(String host, String instance, Duration timeout, RegistryAuth auth) {
        this.instance = instance;
        this.timeout = timeout;
        this.auth = auth;
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        this.fastHttp = http(config, timeout);
        this.fast = DockerClientImpl.getInstance(config, fastHttp);
        this.slowHttp = http(config, SLOW_TIMEOUT);
        this.slow = DockerClientImpl.getInstance(config, slowHttp);
    }

    private static DockerHttpClient http(DockerClientConfig config, Duration responseTimeout) {
        return new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(sslConfig(config))
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(responseTimeout)
                .build();
    }

    /**
     * The transport builds a TLS strategy even for a unix socket, and without an SSL context it makes the JVM's
     * default one, which parses the whole CA trust store: a quarter of hostlet's start in the profile. A socket
     * never speaks TLS, so it gets a context that trusts nothing (and would fail closed if it were ever used).
     */
    static com.github.dockerjava.transport.SSLConfig sslConfig(DockerClientConfig config) {
        if (config.getSSLConfig() != null || !"unix".equals(config.getDockerHost().getScheme())) {
            return config.getSSLConfig();
        }
        return () -> {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return ctx;
        };
    }

    /** The engine's product, version, API version, platform and image store (two calls: version and info). */
    public EngineInfo describe() {
        return call("describe", () -> {
            com.github.dockerjava.api.model.Version v = fast.versionCmd().exec();
            com.github.dockerjava.api.model.Info info = fast.infoCmd().exec();
            // Docker names its first component "Engine", Podman "Podman Engine".
            String product = v.getComponents() == null || v.getComponents().isEmpty()
                    || "Engine".equals(v.getComponents().get(0).getName()) ? "Docker Engine"
                    : v.getComponents().get(0).getName();
            String driver = info.getDriver();
            if (info.getDriverStatuses() != null) {
                for (java.util.List<String> kv : info.getDriverStatuses()) {
                    if (kv.size() == 2 && kv.get(0).equals("driver-type")) {
                        driver = driver + " (" + kv.get(1) + ")";
                    }
                }
            }
            return new EngineInfo(product, v.getVersion(), v.getApiVersion(), v.getOperatingSystem() + "/" + v.getArch(),
                    driver, info.getDockerRootDir());
        });
    }

    @Override
    public String ping() {
        EngineDialect d = detectDialect();
        return d.describe();
    }

    /** The engine's dialect, asked once ({@link #ping} asks again: the engine behind the socket may have changed). */
    EngineDialect dialect() {
        EngineDialect d = dialect;
        return d != null ? d : detectDialect();
    }

    private EngineDialect detectDialect() {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path("/version").build();
        EngineDialect d = raw("version", req, EngineException.Kind.FAILED, EngineException.Kind.UNREACHABLE,
                body -> EngineDialect.of(JSON.readTree(body.readNBytes(256 * 1024))));
        dialect = d;
        return d;
    }

    @Override
    public Map<String, String> writableBinds() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (com.github.dockerjava.api.model.Container c : call("list containers",
                () -> fast.listContainersCmd().withShowAll(true).exec())) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
            for (com.github.dockerjava.api.model.ContainerMount m : c.getMounts() == null
                    ? List.<com.github.dockerjava.api.model.ContainerMount>of() : c.getMounts()) {
                if (m.getSource() != null && !m.getSource().isEmpty() && Boolean.TRUE.equals(m.getRw())) {
                    out.putIfAbsent(m.getSource(), name);
                }
            }
        }
        return out;
    }

    @Override
    public HostView hostView(String ownContainer) {
        String root = call("info", () -> fast.infoCmd().exec().getDockerRootDir());
        Map<String, String> mounts = new HashMap<>();
        if (ownContainer != null) {
            InspectContainerResponse r = call("inspect " + ownContainer, () -> fast.inspectContainerCmd(ownContainer).exec());
            if (r.getMounts() != null) {
                for (InspectContainerResponse.Mount m : r.getMounts()) {
                    if (m.getDestination() != null && m.getSource() != null) {
                        mounts.put(m.getDestination().getPath(), m.getSource());
                    }
                }
            }
        }
        return new HostView(root, mounts);
    }

    @Override
    public ObservedState observe() {
        List<ObservedContainer> containers = listContainers();
        Map<String, String> networks = new HashMap<>();
        List<Network> nets = call("list networks", () -> fast.listNetworksCmd()
                .withFilter("label", List.of(Labels.MANAGED + "=true", Labels.INSTANCE + "=" + instance))
                .exec());
        nets.forEach(n -> networks.put(n.getName(), n.getId()));
        return ObservedState.listed(containers, networks);
    }

    /** This instance's containers, all states, in one call decoded by {@link ContainerListJson} (see why there). */
    private List<ObservedContainer> listContainers() {
        String filters;
        try {
            filters = JSON.writeValueAsString(Map.of("label", Labels.ownership(instance).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of string lists is JSON", e);
        }
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/containers/json?all=1&filters=" + java.net.URLEncoder.encode(filters, StandardCharsets.UTF_8))
                .build();
        EngineDialect d = dialect();
        List<ObservedContainer> listed = raw("list containers", req, EngineException.Kind.FAILED,
                EngineException.Kind.UNREACHABLE, body -> ContainerListJson.decode(body, d));
        if (!d.healthFromLibpodList() || listed.isEmpty()) {
            return listed;
        }
        // Podman's compatible list carries no health; its own list does (one call for all, not one inspect each).
        DockerHttpClient.Request libpod = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/v4.0.0/libpod/containers/json?all=true&filters="
                        + java.net.URLEncoder.encode(filters, StandardCharsets.UTF_8))
                .build();
        Map<String, ObservedContainer.Health> health = raw("list containers (health)", libpod,
                EngineException.Kind.FAILED, EngineException.Kind.UNREACHABLE, LibpodListJson::health);
        return LibpodListJson.withHealth(listed, health);
    }

    /** Reads a successful answer's body. */
    @FunctionalInterface
    private interface BodyReader<T> {
        T read(java.io.InputStream body) throws java.io.IOException;
    }

    /**
     * One counted call straight through the fast transport, for what docker-java has no command for or does
     * slowly. A non-200 answer fails as {@code refused} with the engine's message; an I/O failure as {@code broken};
     * no answer within the timeout as {@link EngineException.Kind#UNREACHABLE}.
     */
    private <T> T raw(String what, DockerHttpClient.Request req, EngineException.Kind refused,
                      EngineException.Kind broken, BodyReader<T> onOk) {
        calls.incrementAndGet();
        try (DockerHttpClient.Response r = fastHttp.execute(req)) {
            if (r.getStatusCode() != 200) {
                String body = new String(r.getBody().readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
                String msg = body.isEmpty() ? "HTTP " + r.getStatusCode() : body;
                try {
                    msg = JSON.readTree(body).path("message").asText(msg);
                } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                    // keep the body as it is
                }
                throw new EngineException(refused, what + ": " + msg, null);
            }
            return onOk.read(r.getBody());
        } catch (java.io.IOException e) {
            throw new EngineException(broken, what + ": " + firstLine(e), e);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreachable(what, e);
        }
    }

    @Override
    public String createNetwork(String name, Map<String, String> labels) {
        return call("create network " + name, () -> fast.createNetworkCmd()
                .withName(name).withDriver("bridge").withLabels(labels).withCheckDuplicate(true)
                .exec().getId());
    }

    @Override
    public void removeNetwork(String id) {
        call("remove network " + id, () -> {
            try {
                fast.removeNetworkCmd(id).exec();
            } catch (NotFoundException gone) {
                // already gone: the goal is reached
            }
            return null;
        });
    }

    @Override
    public String registryDigest(String image) {
        String what = "registry digest of " + image;
        Map<String, String> headers = new HashMap<>();
        credentials(image, what).ifPresent(c -> headers.put("X-Registry-Auth", registryAuthHeader(c)));
        if (dialect().podman()) {
            return podmanRegistryDigest(image, what, headers);
        }
        // docker-java has no command for it; the path is the reference as written, as the docker CLI sends it.
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/distribution/" + image + "/json")
                .headers(headers)
                .build();
        JsonNode json = raw(what, req, EngineException.Kind.PULL_FAILED, EngineException.Kind.PULL_FAILED,
                body -> JSON.readTree(body.readNBytes(64 * 1024)));
        String digest = json.path("Descriptor").path("digest").asText("");
        if (!digest.startsWith("sha256:")) {
            throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": the engine's answer has no digest", null);
        }
        return digest;
    }

    /** See {@link PodmanRegistryCheck}: Podman has no distribution inspect. */
    private String podmanRegistryDigest(String image, String what, Map<String, String> headers) {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path(PodmanRegistryCheck.pullPath(image))
                .headers(headers)
                .build();
        calls.incrementAndGet();
        try (DockerHttpClient.Response r = slowHttp.execute(req)) {
            if (r.getStatusCode() != 200) {
                String body = new String(r.getBody().readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
                throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": " + body, null);
            }
            PodmanRegistryCheck.pulledId(what, r.getBody());
        } catch (java.io.IOException e) {
            throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": " + firstLine(e), e);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreachable(what, e);
        }
        LocalImage local = localImage(image);
        String digest = local == null ? null
                : PodmanRegistryCheck.lastDigest(PodmanRegistryCheck.repository(image), local.repoDigests());
        if (digest == null) {
            throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": the engine recorded no digest", null);
        }
        return digest;
    }

    /** The engine's X-Registry-Auth header: base64url of the JSON auth config, as docker-java writes it for pulls. */
    static String registryAuthHeader(RegistryAuth.Credentials c) {
        try {
            return Base64.getUrlEncoder().encodeToString(AUTH_JSON.writeValueAsBytes(authConfig(c)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an AuthConfig is JSON", e);
        }
    }

    /**
     * The engine's auth config for {@code c}. With an identity token the engine exchanges it for a registry
     * token itself and ignores any password, so none is sent.
     */
    static AuthConfig authConfig(RegistryAuth.Credentials c) {
        AuthConfig a = new AuthConfig().withRegistryAddress(c.serverAddress());
        if (c.username() != null && !c.username().isEmpty()) {
            a.withUsername(c.username());
        }
        if (c.hasIdentityToken()) {
            a.withIdentityToken(c.identityToken());
        } else {
            a.withPassword(c.password());
        }
        return a;
    }

    /** The credentials for {@code image}'s registry; a source that cannot deliver fails {@code what} with its reason. */
    private java.util.Optional<RegistryAuth.Credentials> credentials(String image, String what) {
        try {
            return auth.forImage(image);
        } catch (RegistryAuth.CredentialsUnavailable e) {
            throw new EngineException(EngineException.Kind.PULL_FAILED, what + ": " + e.getMessage(), null);
        }
    }

    @Override
    public LocalImage localImage(String image) {
        return call("inspect image " + image, () -> {
            try {
                InspectImageResponse r = fast.inspectImageCmd(image).exec();
                EngineDialect d = dialect();
                return new LocalImage(r.getId(), r.getRepoDigests() == null ? List.of()
                        : r.getRepoDigests().stream().map(d::repoDigest).toList());
            } catch (NotFoundException e) {
                return null;
            }
        });
    }

    @Override
    public LocalImages listImages() {
        List<Image> listed = call("list images", () -> fast.listImagesCmd().exec());
        Map<String, String> byRef = new HashMap<>();
        for (Image i : listed) {
            for (String[] refs : new String[][] {i.getRepoTags(), i.getRepoDigests()}) {
                for (String ref : refs == null ? new String[0] : refs) {
                    if (!ref.startsWith("<none>")) {
                        byRef.put(ImageRefs.familiar(dialect().imageName(ref)), i.getId());
                    }
                }
            }
        }
        return new LocalImages(byRef);
    }

    @Override
    public void removeImage(String reference, String expectedId) {
        LocalImage now = localImage(reference);
        if (now == null) {
            return; // gone already: the goal is reached
        }
        if (!now.id().equals(expectedId)) {
            throw new EngineException(EngineException.Kind.CONFLICT, reference + " now names " + now.id()
                    + ", not the image hostlet pulled (" + expectedId + "); left alone", null);
        }
        call("remove image " + reference, () -> {
            try {
                // No force: the engine refuses an image a container uses. No pruning of untagged parents either:
                // they are not the image hostlet pulled (a pulled image has none; a built one may).
                fast.removeImageCmd(reference).withForce(false).withNoPrune(true).exec();
            } catch (NotFoundException gone) {
                // the goal is reached
            }
            return null;
        });
    }

    @Override
    public void pullImage(String image) {
        String repo = image;
        String tag = "latest";
        int at = image.indexOf('@');
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (at >= 0) {
            repo = image.substring(0, at);
            tag = image.substring(at + 1);
        } else if (colon > slash) {
            repo = image.substring(0, colon);
            tag = image.substring(colon + 1);
        }
        String r = repo;
        String t = tag;
        java.util.Optional<RegistryAuth.Credentials> credentials = credentials(image, "pull of " + image + " failed");
        calls.incrementAndGet();
        try {
            var pull = slow.pullImageCmd(r).withTag(t);
            credentials.ifPresent(c -> pull.withAuthConfig(authConfig(c)));
            boolean done = pull.exec(new PullImageResultCallback())
                    .awaitCompletion(SLOW_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                throw new EngineException(EngineException.Kind.PULL_FAILED, "pull of " + image + " timed out", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.PULL_FAILED, "pull of " + image + " interrupted", e);
        } catch (DockerException | DockerClientException e) {
            throw new EngineException(EngineException.Kind.PULL_FAILED, "pull of " + image + " failed: " + firstLine(e), e);
        } catch (RuntimeException e) {
            throw unreachable("pull " + image, e);
        }
    }

    @Override
    public String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                  List<AnonymousVolume> carried) {
        return createContainer(m, name, labels, carried, true);
    }

    @Override
    public void rejoinNetwork(String id, String network, List<String> aliases) {
        call("rejoin " + id + " to " + network + " with aliases " + aliases, () -> {
            try {
                fast.disconnectFromNetworkCmd().withContainerId(id).withNetworkId(network).exec();
            } catch (NotFoundException gone) {
                return null; // the container or the network is gone: nothing to join again
            } catch (DockerException e) {
                if (String.valueOf(e.getMessage()).contains("is not connected")) {
                    return null; // not on it (20.10 answers 500 with this text): it must not be joined to it now
                }
                throw e;
            }
            // No address asked for: the engine gives the lowest free one, the one just freed (an address can only be
            // asked for on networks created with a subnet), and the MAC follows from it, so peers' ARP entries hold.
            fast.connectToNetworkCmd().withContainerId(id).withNetworkId(network)
                    .withContainerNetwork(new ContainerNetwork().withAliases(aliases)).exec();
            return null;
        });
    }

    @Override
    public String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                  List<AnonymousVolume> carried, boolean alias) {
        ContainerSpec s = m.spec();
        List<String> networks = s.networks();
        CreateContainerCmd cmd = CreateRequest.fill(fast.createContainerCmd(s.image()), m, name, labels, carried, alias);
        String id;
        try {
            id = call("create container " + name, () -> cmd.exec().getId());
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND && EngineErrors.imageMissing(404, e.getMessage())) {
                throw new EngineException(EngineException.Kind.IMAGE_MISSING, "image " + s.image() + " is not present", e);
            }
            throw e;
        }
        // Further networks are joined before the first start, so the process never sees a partial set.
        for (String net : networks.subList(Math.min(1, networks.size()), networks.size())) {
            try {
                call("connect " + name + " to " + net, () -> {
                    fast.connectToNetworkCmd().withContainerId(id).withNetworkId(net)
                            .withContainerNetwork(alias ? new ContainerNetwork().withAliases(m.name())
                                    : new ContainerNetwork()).exec();
                    return null;
                });
            } catch (EngineException e) {
                removeContainer(id);
                throw e;
            }
        }
        copyFiles(id, name, s);
        return id;
    }

    /**
     * Copies the spec's config files and secrets into the created container (Engine API {@code PUT
     * /containers/{id}/archive}), before it ever starts, so nothing on the host is bind-mounted and a secret
     * changed on disk reaches the container only through a recreate. A container that did not get its files is removed
     * before this throws: it must never start without them. The engine's error names the path, never the content.
     */
    private void copyFiles(String id, String name, ContainerSpec s) {
        List<FileSources.MountedFile> copies = s.sources().copies();
        if (copies.isEmpty()) {
            return;
        }
        FileSources.Owner owner = FileSources.Owner.of(s);
        byte[] tar;
        try {
            tar = Tar.of(copies.stream().map(f -> new Tar.Entry(f.mountPath(), f.content().bytes(), f.mode(),
                    owner.uid(), owner.gid())).toList(), System.currentTimeMillis() / 1000);
        } catch (IllegalArgumentException e) {
            removeContainer(id);
            throw new EngineException(EngineException.Kind.FAILED, "cannot copy files into " + name + ": " + e.getMessage(), e);
        }
        try {
            call("copy files into " + name, () -> {
                fast.copyArchiveToContainerCmd(id).withRemotePath("/")
                        .withTarInputStream(new java.io.ByteArrayInputStream(tar)).exec();
                return null;
            });
        } catch (EngineException e) {
            removeContainer(id);
            throw e;
        }
    }

    @Override
    public void renameContainer(String id, String newName) {
        String what = "rename " + id + " to " + newName;
        call(what, () -> {
            try {
                fast.renameContainerCmd(id).withName(newName).exec();
            } catch (NotFoundException e) {
                if (EngineErrors.renameWhileRestarting(404, firstLine(e))) {
                    throw new EngineException(EngineException.Kind.RESTARTING, what + ": " + firstLine(e), e);
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public void startContainer(String id) {
        call("start " + id, () -> {
            try {
                fast.startContainerCmd(id).exec();
            } catch (NotModifiedException alreadyRunning) {
                // the goal is reached
            }
            return null;
        });
    }

    @Override
    public void stopContainer(String id, Duration grace) {
        call("stop " + id, () -> {
            try {
                slow.stopContainerCmd(id).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
            } catch (NotModifiedException alreadyStopped) {
                // the goal is reached
            }
            return null;
        });
    }

    @Override
    public void removeContainer(String id) {
        call("remove " + id, () -> {
            try {
                // Never with volumes: an anonymous volume may hold the only copy of a database (see AnonymousVolume).
                fast.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException gone) {
                // the goal is reached
            }
            return null;
        });
    }

    @Override
    public List<String> logTail(String id, int lines) {
        calls.incrementAndGet();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (out) {
                    // a few lines are asked for, but one line can be huge: stop keeping more than we show
                    if (out.size() < 16 * LOG_TAIL_MAX_BYTES) {
                        out.writeBytes(frame.getPayload());
                    }
                }
            }
        };
        try {
            fast.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines).withFollowStream(false)
                    .exec(callback).awaitCompletion(LOG_TAIL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException e) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, "logs of " + id + ": " + firstLine(e), e);
        } catch (DockerException e) {
            throw new EngineException(EngineException.Kind.FAILED, "logs of " + id + ": " + firstLine(e), e);
        } catch (RuntimeException e) {
            throw unreachable("logs of " + id, e);
        } finally {
            try {
                callback.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
        byte[] bytes;
        synchronized (out) {
            bytes = out.toByteArray();
        }
        int from = Math.max(0, bytes.length - LOG_TAIL_MAX_BYTES);
        String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        if (from > 0) {
            int nl = text.indexOf('\n');
            text = nl >= 0 ? text.substring(nl + 1) : text; // drop the partial first line
        }
        List<String> result = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isEmpty()) {
                result.add(line);
            }
        }
        return result.size() > lines ? List.copyOf(result.subList(result.size() - lines, result.size())) : result;
    }

    @Override
    public LastRun lastRun(String id) {
        return call("inspect " + id, () -> {
            InspectContainerResponse r = fast.inspectContainerCmd(id).exec();
            InspectContainerResponse.ContainerState st = r.getState();
            Integer restarts = r.getRestartCount();
            if (st == null) {
                return new LastRun(restarts == null ? 0 : restarts, null, false, null, null);
            }
            Instant finished = time(st.getFinishedAt());
            Instant started = time(st.getStartedAt());
            // A container that started again (its restart policy, between our list and this inspect) has its exit
            // code reset to 0 by the engine while FinishedAt still tells of the run before: that 0 is no exit code.
            // One waiting to be restarted (Restarting) still holds its real code: it ended after it started.
            boolean runningAgain = finished != null && started != null && started.isAfter(finished);
            Integer exit = finished == null || runningAgain || st.getExitCodeLong() == null ? null
                    : st.getExitCodeLong().intValue();
            return new LastRun(restarts == null ? 0 : restarts, exit, Boolean.TRUE.equals(st.getOOMKilled()),
                    started, finished);
        });
    }

    @Override
    public io.hostlet.observed.ContainerDetails inspect(String id) {
        return call("inspect " + id, () -> {
            InspectContainerResponse r = fast.inspectContainerCmd(id).exec();
            InspectContainerResponse.ContainerState st = r.getState();
            int restarts = r.getRestartCount() == null ? 0 : r.getRestartCount();
            String name = r.getName() == null ? null : r.getName().replaceFirst("^/", "");
            String image = r.getConfig() == null ? null : dialect().imageName(r.getConfig().getImage());
            Instant created = time(r.getCreated());
            if (st == null) {
                return new io.hostlet.observed.ContainerDetails(r.getId(), name, null, image, r.getImageId(), created,
                        null, null, restarts, null, false, null, null);
            }
            Instant finished = time(st.getFinishedAt());
            // A running container's ExitCode is reset to 0 by its start: the last exit code is known only while it is
            // not running (or the engine is restarting it).
            boolean runs = Boolean.TRUE.equals(st.getRunning()) && !Boolean.TRUE.equals(st.getRestarting());
            Integer exit = finished == null || runs || st.getExitCodeLong() == null ? null
                    : st.getExitCodeLong().intValue();
            String health = st.getHealth() == null || st.getHealth().getStatus() == null
                    || "none".equals(st.getHealth().getStatus()) ? null : st.getHealth().getStatus();
            String error = st.getError() == null || st.getError().isBlank() ? null : st.getError().lines().findFirst().orElse("");
            return new io.hostlet.observed.ContainerDetails(r.getId(), name, st.getStatus(), image, r.getImageId(),
                    created, time(st.getStartedAt()), finished, restarts, exit, Boolean.TRUE.equals(st.getOOMKilled()),
                    health, error);
        });
    }

    @Override
    public void logs(String id, int tail, java.io.OutputStream out) throws java.io.IOException {
        calls.incrementAndGet();
        java.util.concurrent.atomic.AtomicReference<java.io.IOException> writeFailed =
                new java.util.concurrent.atomic.AtomicReference<>();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    out.write(frame.getPayload());
                    out.flush();
                } catch (java.io.IOException e) { // the reader went away: end the stream
                    writeFailed.compareAndSet(null, e);
                    try {
                        close();
                    } catch (java.io.IOException ignored) {
                        // ending anyway
                    }
                }
            }
        };
        try {
            fast.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(tail).withFollowStream(false)
                    .exec(callback).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException e) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, "logs of " + id + ": " + firstLine(e), e);
        } catch (DockerException e) {
            throw new EngineException(EngineException.Kind.FAILED, "logs of " + id + ": " + firstLine(e), e);
        } catch (RuntimeException e) {
            if (writeFailed.get() != null) {
                throw writeFailed.get();
            }
            throw unreachable("logs of " + id, e);
        } finally {
            try {
                callback.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
        if (writeFailed.get() != null) {
            throw writeFailed.get();
        }
    }

    private static Instant time(String s) {
        if (s == null || s.isBlank() || s.startsWith(ZERO_TIME.substring(0, 10))) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public AutoCloseable events(Runnable onStart, Consumer<String> onEvent, Consumer<String> onEnd) {
        calls.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        HealthEvents health = new HealthEvents(dialect(), this::healthOf);
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onStart(java.io.Closeable stream) {
                super.onStart(stream);
                // docker-java calls this once the response headers arrived; the engine subscribes before sending them.
                onStart.run();
            }

            @Override
            public void onNext(Event event) {
                // Podman sends a health event on every probe: only a change of health asks for a pass.
                if (!health.changed(event.getId(), event.getAction(),
                        event.getActor() == null ? null : event.getActor().getAttributes())) {
                    return;
                }
                // Only a start can move a restart count (see Engine#events); the action is the structured field.
                onEvent.accept("start".equals(event.getAction()) ? event.getId() : null);
            }

            @Override
            public void onError(Throwable t) {
                if (ended.compareAndSet(false, true)) {
                    onEnd.accept(firstLine(t));
                }
                super.onError(t);
            }

            @Override
            public void onComplete() {
                if (ended.compareAndSet(false, true)) {
                    onEnd.accept("event stream closed by the engine");
                }
                super.onComplete();
            }
        };
        // The slow client: an event stream is quiet for long stretches, which is not a hung engine.
        slow.eventsCmd()
                .withLabelFilter(Labels.ownership(instance))
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("die", "start", "stop", "destroy", "oom", "health_status", "pause", "unpause")
                .exec(callback);
        return () -> {
            ended.set(true);
            callback.close();
        };
    }

    /** The health status an inspect reports ("healthy", ...), null when none or gone: for Podman's bare health events. */
    private String healthOf(String id) {
        try {
            return inspect(id).health();
        } catch (EngineException e) {
            return null;
        }
    }

    @Override
    public long apiCalls() {
        return calls.get();
    }

    /** One counted engine call, with docker-java's exceptions turned into {@link EngineException}. */
    private <T> T call(String what, Supplier<T> action) {
        calls.incrementAndGet();
        try {
            return action.get();
        } catch (NotFoundException e) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, what + ": " + firstLine(e), e);
        } catch (ConflictException e) {
            throw new EngineException(EngineException.Kind.CONFLICT, what + ": " + firstLine(e), e);
        } catch (DockerException e) {
            throw new EngineException(EngineErrors.kind(e.getHttpStatus(), firstLine(e)), what + ": " + firstLine(e), e);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreachable(what, e);
        }
    }

    private EngineException unreachable(String what, RuntimeException e) {
        return new EngineException(EngineException.Kind.UNREACHABLE,
                what + ": engine did not answer within " + timeout.toSeconds() + "s: " + firstLine(e), e);
    }

    /** docker-java prefixes messages with "Status 409: {\"message\":...}"; keep the engine's words. */
    static String firstLine(Throwable e) {
        String msg = e.getMessage();
        Throwable c = e;
        while ((msg == null || msg.isBlank()) && c.getCause() != null) {
            c = c.getCause();
            msg = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        }
        if (msg == null) {
            return e.getClass().getSimpleName();
        }
        String quoted = engineMessage(msg);
        String text = quoted != null ? quoted.replace("\\\"", "\"") : msg;
        int nl = text.indexOf('\n');
        return (nl >= 0 ? text.substring(0, nl) : text).trim();
    }

    /**
     * The raw text of the first {@code "message":"..."} JSON string in {@code msg} (escapes left as written), or
     * null when there is none or it is not closed. A linear scan: the regex it replaces repeated an alternation
     * ({@code (?:[^"\\]|\\.)*}), which recurses once per character and overflowed the stack on a long engine error.
     */
    static String engineMessage(String msg) {
        String key = "\"message\":\"";
        int from = msg.indexOf(key);
        while (from >= 0) {
            int start = from + key.length();
            for (int i = start; i < msg.length(); i++) {
                char c = msg.charAt(i);
                if (c == '\\') {
                    i++; // skip the escaped character, whatever it is
                } else if (c == '"') {
                    return msg.substring(start, i);
                }
            }
            from = msg.indexOf(key, from + 1);
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        fast.close();
        slow.close();
    }

    /**
     * The spec to create-request mapping (nested: only DockerEngine may know docker-java): what {@code POST /containers/create} carries for a manifest, and nothing else.
     * Pure (it sets fields of a command, it calls no engine), so its output is pinned by golden JSON files
     * ({@code CreateRequestTest}); the adapter sends the command, joins the further networks and copies the files.
     */
    static final class CreateRequest {

        private CreateRequest() {
        }

        /**
         * {@code cmd} (a create command for the spec's image) filled for {@code m} under {@code name} with {@code labels},
         * mounting the {@code carried} anonymous volumes, with the manifest's name as a network alias when {@code alias}.
         */
        static CreateContainerCmd fill(CreateContainerCmd cmd, ContainerManifest m, String name, Map<String, String> labels,
                                       List<AnonymousVolume> carried, boolean alias) {
            ContainerSpec s = m.spec();
            List<String> networks = s.networks();
            List<Mount> mounts = mounts(s, labels);
            for (AnonymousVolume v : carried) {
                // The old container's volume by its engine name, at its old path: the image's VOLUME gets no new one.
                mounts.add(new Mount().withType(MountType.VOLUME).withSource(v.name()).withTarget(v.path()));
            }
            HostConfig host = HostConfig.newHostConfig()
                    .withRestartPolicy(restartPolicy(s.restartPolicy()))
                    .withMounts(mounts)
                    .withPortBindings(portBindings(s));
            if (!networks.isEmpty()) {
                host.withNetworkMode(networks.get(0));
            }
            if (s.resources().memoryBytes() != null) {
                host.withMemory(s.resources().memoryBytes());
            }
            if (s.resources().cpus() != null) {
                host.withNanoCPUs(Math.round(s.resources().cpus() * 1_000_000_000L));
            }
            runtime(host, s.runtime());
            Map<String, String> all = new HashMap<>(m.labels());
            all.putAll(labels);
            cmd
                    .withName(name)
                    .withLabels(all)
                    .withEnv(s.environment())
                    .withExposedPorts(s.ports().stream().map(CreateRequest::exposed).toList())
                    .withStopTimeout((int) s.stopGracePeriod().toSeconds())
                    .withHostConfig(host);
            if (!s.command().isEmpty()) {
                cmd.withEntrypoint(s.command());
            }
            if (!s.args().isEmpty()) {
                cmd.withCmd(s.args());
            }
            if (s.workingDir() != null) {
                cmd.withWorkingDir(s.workingDir());
            }
            if (s.user() != null) {
                cmd.withUser(s.user());
            }
            RuntimeSpec.SecurityContext sc = s.runtime().securityContext();
            if (sc.runAsUser() != null) {
                cmd.withUser(sc.runAsUser() + (sc.runAsGroup() == null ? "" : ":" + sc.runAsGroup()));
            }
            if (s.runtime().hostname() != null) {
                cmd.withHostName(s.runtime().hostname());
            }
            if (s.runtime().stopSignal() != null) {
                cmd.withStopSignal(s.runtime().stopSignal());
            }
            if (s.healthcheck() != null) {
                cmd.withHealthcheck(healthCheck(s.healthcheck()));
            }
            if (!networks.isEmpty() && alias) {
                // The manifest's name as a network alias: a replacement (created under another name beside the container
                // it replaces) answers to it from the start, so clients find one of the two during the swap. Only
                // user-defined networks have aliases, and every network a manifest lists is one (hostlet makes them).
                cmd.withAliases(m.name());
            }
            return cmd;
        }

        /** The host-facing fields, each set only when the manifest sets it, so Docker's defaults stay Docker's. */
        private static void runtime(HostConfig host, RuntimeSpec r) {
            if (r.hostNetwork()) {
                host.withNetworkMode("host");
            }
            if (r.hostPID()) {
                host.withPidMode("host");
            }
            if (r.hostIPC()) {
                host.withIpcMode("host");
            }
            RuntimeSpec.SecurityContext sc = r.securityContext();
            if (sc.privileged()) {
                host.withPrivileged(true);
            }
            if (!sc.capAdd().isEmpty()) {
                host.withCapAdd(sc.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
            }
            if (!sc.capDrop().isEmpty()) {
                host.withCapDrop(sc.capDrop().stream().map(Capability::valueOf).toArray(Capability[]::new));
            }
            if (sc.readOnlyRootFilesystem()) {
                host.withReadonlyRootfs(true);
            }
            List<String> securityOpts = new ArrayList<>();
            if (sc.noNewPrivileges()) {
                securityOpts.add("no-new-privileges:true");
            }
            if (sc.seccompProfile() == RuntimeSpec.Profile.Unconfined) {
                securityOpts.add("seccomp=unconfined");
            }
            if (sc.appArmorProfile() == RuntimeSpec.Profile.Unconfined) {
                securityOpts.add("apparmor=unconfined");
            }
            if (!securityOpts.isEmpty()) {
                host.withSecurityOpts(securityOpts);
            }
            if (!r.devices().isEmpty()) {
                host.withDevices(r.devices().stream()
                        .map(d -> new Device(d.permissions(), d.containerPath(), d.hostPath())).toList());
            }
            if (!r.extraHosts().isEmpty()) {
                host.withExtraHosts(r.extraHosts().toArray(String[]::new));
            }
            if (!r.dns().isEmpty()) {
                host.withDns(r.dns());
            }
            if (!r.tmpfs().isEmpty()) {
                Map<String, String> tmpfs = new LinkedHashMap<>();
                r.tmpfs().forEach(t -> tmpfs.put(t.mountPath(), t.sizeBytes() == null ? "" : "size=" + t.sizeBytes()));
                host.withTmpFs(tmpfs);
            }
            if (r.shmSizeBytes() != null) {
                host.withShmSize(r.shmSizeBytes());
            }
            if (!r.sysctls().isEmpty()) {
                host.withSysctls(r.sysctls());
            }
            if (r.init()) {
                host.withInit(true);
            }
            if (!r.ulimits().isEmpty()) {
                host.withUlimits(r.ulimits().entrySet().stream()
                        .map(e -> new Ulimit(e.getKey(), e.getValue().soft(), e.getValue().hard())).toList());
            }
            // Rotation by default (see RuntimeSpec.Logging#effective): Docker's json-file default grows until the disk is full.
            RuntimeSpec.Logging logging = RuntimeSpec.Logging.effective(r.logging());
            host.withLogConfig(new LogConfig(LogConfig.LoggingType.fromValue(logging.driver()), logging.options().isEmpty()
                    ? null : new HashMap<>(logging.options())));
        }

        private static HealthCheck healthCheck(io.hostlet.manifest.HealthCheck h) {
            List<String> test = new ArrayList<>();
            test.add("CMD");
            test.addAll(h.command());
            return new HealthCheck()
                    .withTest(test)
                    .withInterval(h.interval().toNanos())
                    .withTimeout(h.timeout().toNanos())
                    .withRetries(h.retries())
                    .withStartPeriod(h.startPeriod().toNanos());
        }

        static ExposedPort exposed(ContainerSpec.PortMapping p) {
            return p.protocol() == ContainerSpec.Protocol.UDP ? ExposedPort.udp(p.containerPort()) : ExposedPort.tcp(p.containerPort());
        }

        private static Ports portBindings(ContainerSpec s) {
            List<PortBinding> bindings = new ArrayList<>();
            for (ContainerSpec.PortMapping p : s.ports()) {
                if (p.hostPort() != null) {
                    Ports.Binding b = p.hostIP() == null
                            ? Ports.Binding.bindPort(p.hostPort())
                            : Ports.Binding.bindIpAndPort(p.hostIP(), p.hostPort());
                    bindings.add(new PortBinding(b, exposed(p)));
                }
            }
            return new Ports(bindings.toArray(PortBinding[]::new));
        }

        private static List<Mount> mounts(ContainerSpec s, Map<String, String> labels) {
            List<Mount> mounts = new ArrayList<>();
            for (ContainerSpec.VolumeMount v : s.volumes()) {
                Mount mount = new Mount().withTarget(v.mountPath()).withReadOnly(v.readOnly());
                if (v.isNamedVolume()) {
                    // A volume created here carries the ownership labels for the record; hostlet never removes one.
                    mount.withType(MountType.VOLUME).withSource(v.name())
                            .withVolumeOptions(new VolumeOptions().withLabels(Labels.ownership(labels.get(Labels.INSTANCE))));
                } else {
                    mount.withType(MountType.BIND).withSource(v.hostPath());
                }
                mounts.add(mount);
            }
            return mounts;
        }

        private static RestartPolicy restartPolicy(io.hostlet.manifest.RestartPolicy p) {
            return switch (p) {
                case Always -> RestartPolicy.alwaysRestart();
                case OnFailure -> RestartPolicy.onFailureRestart(0);
                case Never -> RestartPolicy.noRestart();
            };
        }
    }
}
