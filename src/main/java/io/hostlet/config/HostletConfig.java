package io.hostlet.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * hostlet's settings, from application.properties, {@code -D} or environment ({@code HOSTLET_MANIFESTS_DIR}).
 */
@ConfigMapping(prefix = "hostlet")
public interface HostletConfig {

    /** The manifests folder. */
    Manifests manifests();

    /** A full observe-plan-apply pass runs at least this often, even when nothing was signalled. */
    @WithDefault("30s")
    Duration resyncInterval();

    /** The engine. */
    Docker docker();

    /**
     * This hostlet's name on the engine ({@code io.hostlet.instance}); it sees and touches only objects
     * carrying it, so several hostlets can share one engine without fighting.
     */
    @WithDefault("default")
    String instance();

    /** How many container actions run at once. */
    @WithDefault("8")
    int parallelism();

    /** GitOps: when {@code hostlet.git.url} is set, the manifests come from that repository instead of the folder. */
    Git git();

    /** Registries hostlet pulls from and checks. */
    Registry registry();

    /** Images: pull parallelism and the opt-in garbage collection of images hostlet pulled. */
    Images images();

    /**
     * Where hostlet keeps what must survive a restart: the record of the images it pulled
     * ({@code pulled-images-<instance>.json}), written atomically.
     */
    @WithDefault(".hostlet-state")
    Path stateDir();

    /** What manifests may ask of the host (see docs/safety.md, "Policy"). */
    PolicySettings policy();

    /** Where {@code env[].valueFrom.file}, {@code envFrom} and {@code secrets} read from (see docs/manifest.md, "Secrets and config files"). */
    Secrets secrets();

    /** The secrets folder. */
    interface Secrets {
        /**
         * The folder secrets, env files and env values are read from; relative paths are resolved against the working
         * directory, like {@code hostlet.state-dir}. Must not lie in the manifests folder or the git checkout (pushed
         * and copied around); bind-mounting it is refused by the policy. A missing folder is an error only for the
         * manifests that use it.
         */
        @WithDefault(".hostlet-secrets")
        Path dir();
    }

    /** The policy: a level and per-manifest exceptions, which only this configuration can grant. */
    interface PolicySettings {
        /** {@code baseline} (default), {@code restricted} or {@code privileged} (no checks). */
        @WithDefault("baseline")
        String level();

        /**
         * Rules lifted per manifest name, comma-separated: {@code hostlet.policy.allow."homeassistant"=hostNetwork,devices}.
         * Rule names: privileged, hostNetwork, hostPID, hostIPC, capabilities, devices, hostPath, unconfined,
         * runAsNonRoot, readOnlyRootFilesystem, dropAllCapabilities, noNewPrivileges, memoryLimit.
         */
        Map<String, String> allow();

        /**
         * Where baseline lets bind mounts come from, a list of folders, each optionally {@code :ro} (binds under it
         * must be read-only): {@code /srv,/data:ro}; {@code none} allows no bind mount. Whatever it says, the host's
         * system folders, the engines' sockets and data and hostlet's own folders stay refused.
         */
        @WithDefault("/srv")
        List<String> hostPaths();
    }

    /** Guards on removing containers: what an input that suddenly wants less may remove. */
    Prune prune();

    /** Container removal guards (see docs/safety.md). */
    interface Prune {
        /**
         * Whether a desired state with no manifests at all may remove this instance's containers. Off: an empty
         * folder or branch (a failed mount, a wrong path) removes nothing, and status and readiness say why.
         */
        @WithDefault("false")
        boolean allowEmpty();

        /**
         * The largest share of the managed containers one pass may remove when it removes more than two; a pass
         * that would remove more removes nothing and says so, until the manifests change or this allows it.
         * 1 turns the guard off.
         */
        @WithDefault("0.5")
        double maxFraction();
    }

    /**
     * {@code act} (the default): hostlet makes the engine match the manifests. {@code observe}: it reads, observes and
     * plans every pass as usual but never acts (no create, start, stop, remove, pull or prune); status and
     * {@code /api/v1/plan} show what it would do. For trying hostlet on a host that already runs things.
     */
    @WithDefault("act")
    Mode mode();

    /** Whether hostlet acts on its plans. */
    enum Mode {
        /** Plans are carried out. */
        act,
        /** Plans are only shown. */
        observe
    }

    /** The HTTP API under {@code /api/v1}. */
    Api api();

    /** What status shows. */
    Status status();

    /** The event log behind {@code /api/v1/events}. */
    Events events();

    /** Notifications of chosen events to a webhook ({@code hostlet.notify.*}). */
    @WithName("notify")
    Notify notifications();

    /** Event log settings. */
    interface Events {
        /** How many events the ring buffer keeps; the oldest fall off (and out of {@code since} answers). */
        @WithDefault("1000")
        int capacity();

        /**
         * How often the stream sends a comment line when there is no event, so that proxies and load balancers do not
         * close it as idle.
         */
        @WithDefault("15s")
        Duration keepAlive();
    }

    /** Notification settings: off until {@code url} is set. */
    interface Notify {
        /** Where events are POSTed (e.g. an ntfy topic or a Slack incoming webhook); off when absent. */
        Optional<String> url();

        /**
         * The body: {@code json} (the event as the API shows it), {@code ntfy} (plain text with Title, Tags and
         * Priority headers) or {@code slack} ({@code {"text": ...}}).
         */
        @WithDefault("json")
        String format();

        /**
         * The event kinds to post, comma-separated ({@code recreated} is an update); see the kinds table in docs/api.md, "Events".
         */
        @WithDefault("crash-loop,pull-failed,manifest-error,rolled-back,git-refused,recreated")
        List<String> kinds();

        /** A file holding a token sent as {@code Authorization: Bearer <token>}; read per post, never logged. */
        Optional<Path> tokenFile();

        /** How long one POST may take before it is given up (it is tried once more). */
        @WithDefault("5s")
        Duration timeout();

        /** How many notifications may wait; more are dropped and counted, never blocking the loop. */
        @WithDefault("100")
        int queue();
    }

    /** API settings. */
    interface Api {
        /**
         * A file holding a bearer token: when set, every request under {@code /api/v1} must carry
         * {@code Authorization: Bearer <token>} (401 otherwise), except the git webhook when it has a secret of its
         * own. Read at start (a missing or empty file stops hostlet) and at each request, so it can be rotated in
         * place; trailing line breaks are not part of it; never logged. Health endpoints stay open.
         */
        Optional<Path> tokenFile();

        /**
         * Host names (or addresses) the API answers to besides {@code localhost}, {@code 127.0.0.1}, {@code [::1]}
         * and the address it listens on: {@code hostlet.api.allowed-hosts=hostlet.example.com,192.168.1.5}, no port
         * (any port matches). A request whose {@code Host} header names anything else gets 403, whatever its path:
         * that is what defeats DNS rebinding. Add the name a reverse proxy or a git forge's webhook calls hostlet by.
         */
        Optional<List<String>> allowedHosts();

        /** {@code GET /api/v1/containers/{name}/logs?follow=true}: how many may stream at once, and for how long. */
        LogFollows logFollows();

        /** Bounds on streamed container output. */
        interface LogFollows {
            /**
             * How many follows may be open at once; one more answers 429. Each holds one connection of a client of
             * its own, never one the reconcile loop needs.
             */
            @WithDefault("8")
            int max();

            /** The longest one follow streams; it then ends (the client may ask again). */
            @WithDefault("1h")
            Duration maxDuration();
        }
    }

    /** Status settings. */
    interface Status {
        /**
         * Whether a crash-looping container's entry shows the last lines of its output ({@code crashLoop.logTail}).
         * Off by default: output may hold anything the program printed, secrets included, and the API may be
         * reachable by more people than the containers' logs are.
         */
        @WithDefault("false")
        boolean logTail();
    }

    /** Image settings. */
    interface Images {
        /**
         * Whether images hostlet pulled, and that no desired Container or Image references any more, are removed
         * after {@link #pruneGrace}. Images hostlet did not pull are never removed.
         */
        @WithDefault("false")
        boolean prune();

        /** How long an image hostlet pulled must have been unwanted before garbage collection removes it. */
        @WithDefault("1h")
        Duration pruneGrace();

        /** How many image pulls run at once (apart from {@code hostlet.parallelism}, which bounds container actions). */
        @WithDefault("4")
        int pullParallelism();
    }

    /** Registry settings. */
    interface Registry {
        /**
         * A Docker client config file: its {@code credHelpers}, {@code credsStore} and {@code auths} give registry
         * credentials, as for the docker CLI; read at each pull, never logged. Absent: {@code $DOCKER_CONFIG/config.json},
         * else {@code ~/.docker/config.json}; a missing file means anonymous pulls.
         */
        Optional<Path> config();

        /**
         * Credentials per registry host, which win over {@link #config} for their registry:
         * {@code hostlet.registry.auth."127.0.0.1:5000".username=ci} and {@code ...password-file=/run/secrets/reg}
         * (the host quoted, since it has dots). Hub is {@code docker.io}.
         */
        Map<String, Login> auth();

        /** Bound on one run of a Docker credential helper ({@code docker-credential-<name> get}); killed after it. */
        @WithDefault("10s")
        Duration helperTimeout();

        /** One registry's user name and password file. */
        interface Login {
            /**
             * The registry host, when the map key is not it: environment variables cannot spell a host with dots
             * or a port, so {@code HOSTLET_REGISTRY_AUTH_LOCAL_HOST=127.0.0.1:5000} names it for the key {@code local}.
             * Absent: the key is the host.
             */
            Optional<String> host();

            /** The user name sent to the registry. */
            String username();

            /**
             * A file holding the password or access token; read at each pull and registry check, so it can be
             * rotated in place; trailing line breaks are not part of it.
             */
            Path passwordFile();
        }
    }

    /** The manifests folder settings. */
    interface Manifests {
        /** The folder watched, with its subfolders. */
        @WithDefault("manifests")
        Path dir();
    }

    /** Engine settings. */
    interface Docker {
        /** Engine address; when absent, {@code DOCKER_HOST}, else {@code unix:///var/run/docker.sock}. */
        Optional<String> host();

        /** Bound on every ordinary engine call (pulls and stops get their own, longer bound). */
        @WithDefault("30s")
        Duration timeout();
    }

    /**
     * Desired state synced from a git repository. The branch's tree (or its {@link #path} subfolder) is
     * materialized under {@link #dir} and read like the manifests folder.
     */
    interface Git {
        /**
         * The repository: {@code https://host/org/repo.git}, {@code ssh://git@host/org/repo.git},
         * {@code git@host:org/repo.git} or {@code file:///srv/repo.git}. When absent, hostlet watches
         * {@code hostlet.manifests.dir} instead.
         */
        Optional<String> url();

        /** The branch followed. */
        @WithDefault("main")
        String branch();

        /** The subfolder of the repository that holds the manifests ({@code deploy/host1}); absent: the root. */
        Optional<String> path();

        /** How often the repository is fetched when no webhook asks sooner. */
        @WithDefault("60s")
        Duration pollInterval();

        /** Bound on the network I/O of one fetch: a fetch that stalls longer fails and is retried. */
        @WithDefault("60s")
        Duration timeout();

        /**
         * The local repository and the materialized trees, kept between restarts so that hostlet starts from
         * the last applied commit without waiting for the remote.
         */
        @WithDefault(".hostlet-git")
        Path dir();

        /** https user name sent with the token from {@link #passwordFile}; most hosts accept any name with a token. */
        Optional<String> username();

        /** A file holding the https password or access token (read at every fetch, so it can be rotated). */
        Optional<Path> passwordFile();

        /** ssh: the private key (OpenSSH or PEM format, without a passphrase); only this key is offered. */
        Optional<Path> sshKeyFile();

        /**
         * ssh: the known_hosts file the server's key must be listed in; an unknown or changed host key fails the
         * fetch (strict checking, nothing is added). Absent: {@code ~/.ssh/known_hosts}.
         */
        Optional<Path> knownHostsFile();

        /**
         * Whether a branch head that is not a descendant of the applied commit (a force-push, a rewritten or
         * replaced history) is applied. Off: it is refused and the applied commit stays in force.
         */
        @WithDefault("false")
        boolean allowForcePush();

        /** The webhook secret (HMAC key for GitHub and Gitea, token for GitLab); absent: webhooks are not checked. */
        Optional<String> webhookSecret();

        /** A file holding the webhook secret, instead of {@link #webhookSecret}. */
        Optional<Path> webhookSecretFile();

        /** Whether only branch heads with a valid OpenPGP signature by a key in {@link #signingKeysFile} are applied. */
        @WithDefault("false")
        boolean verifySignatures();

        /** The OpenPGP public keys (ASCII-armored or binary keyring) whose signatures are accepted. */
        Optional<Path> signingKeysFile();
    }
}
