package io.hostlet.doctor;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.desired.SourceFiles;
import io.hostlet.engine.EngineInfo;
import io.hostlet.manifest.LabelKey;
import io.hostlet.recorder.LabelKeyFile;
import io.hostlet.manifest.ManifestError;
import io.hostlet.policy.HostPaths;
import io.hostlet.policy.Level;
import io.hostlet.policy.Policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The checks of {@code hostlet doctor}, over the settings the service would start with. Each check reports what it
 * found and what to fix; none changes anything.
 *
 * @param settings the service's settings, as its environment gives them
 * @param engine   asks the engine about itself; throws when it cannot be reached
 */
public record Doctor(Settings settings, Supplier<EngineInfo> engine) {

    private static final Pattern INSTANCE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final int ERRORS_SHOWN = 10;

    /**
     * What the service would use.
     *
     * @param dockerHost   the engine's address
     * @param manifestsDir the manifests folder
     * @param stateDir     the state folder
     * @param secretsDir   the secrets folder
     * @param policyLevel  the policy level's name
     * @param instance     the instance label's value
     */
    public record Settings(String dockerHost, Path manifestsDir, Path stateDir, Path secretsDir, String policyLevel,
                           String instance) {

        /** From environment variables, with the service's defaults (HostletConfig's). */
        public static Settings fromEnv(Map<String, String> env) {
            return new Settings(
                    first(env, "HOSTLET_DOCKER_HOST", "DOCKER_HOST", "unix:///var/run/docker.sock"),
                    Path.of(first(env, "HOSTLET_MANIFESTS_DIR", null, "manifests")),
                    Path.of(first(env, "HOSTLET_STATE_DIR", null, ".hostlet-state")),
                    Path.of(first(env, "HOSTLET_SECRETS_DIR", null, ".hostlet-secrets")),
                    first(env, "HOSTLET_POLICY_LEVEL", null, "baseline"),
                    first(env, "HOSTLET_INSTANCE", null, "default"));
        }

        private static String first(Map<String, String> env, String key, String other, String fallback) {
            String v = env.get(key);
            if ((v == null || v.isBlank()) && other != null) {
                v = env.get(other);
            }
            return v == null || v.isBlank() ? fallback : v;
        }
    }

    /** Runs every check, in order: engine, manifests, state, label key, instance, policy, secrets. */
    public List<Finding> run() {
        List<Finding> findings = new ArrayList<>(engineChecks());
        Policy policy = null;
        Finding policyFinding;
        try {
            Level level = Level.parse(settings.policyLevel());
            policy = new Policy(level, Map.of(), List.of(), HostPaths.LOCAL);
            policyFinding = level == Level.privileged
                    ? Finding.warn("policy", "level privileged: no manifest is refused (host network, devices, "
                    + "privileged containers all pass)", "set HOSTLET_POLICY_LEVEL=baseline and lift single rules with "
                    + "hostlet.policy.allow.\"NAME\"=RULES")
                    : Finding.ok("policy", "level " + level);
        } catch (IllegalArgumentException e) {
            policyFinding = Finding.fail("policy", e.getMessage(), "set HOSTLET_POLICY_LEVEL to baseline, restricted "
                    + "or privileged");
        }
        findings.addAll(manifestChecks(policy == null ? Policy.baseline() : policy));
        findings.add(stateCheck());
        findings.add(labelKeyCheck());
        findings.add(instanceCheck());
        findings.add(policyFinding);
        findings.add(secretsCheck());
        return findings;
    }

    /** The worst status's exit code: 0 all ok, 1 warnings, 2 failures. */
    public static int exitCode(List<Finding> findings) {
        return findings.stream().mapToInt(f -> f.status().exitCode()).max().orElse(0);
    }

    private List<Finding> engineChecks() {
        EngineInfo info;
        try {
            info = engine.get();
        } catch (RuntimeException e) {
            return List.of(Finding.fail("engine", "no answer at " + settings.dockerHost() + ": " + e.getMessage(),
                    "start the engine (systemctl start docker), point DOCKER_HOST at it, or add this user to the "
                            + "group that owns the socket (usermod -aG docker USER; hostlet's unit has it)"));
        }
        List<Finding> out = new ArrayList<>();
        out.add(Finding.ok("engine", info.product() + " " + info.version() + " at " + settings.dockerHost()
                + " (" + info.os() + ")"));
        String api = info.apiVersion();
        if (api == null || !api.matches("\\d+(\\.\\d+)*")) {
            out.add(Finding.warn("engine API", "the engine reports no API version (" + api + ")",
                    "use Docker 20.10 or later"));
        } else if (EngineApi.compare(api, EngineApi.FLOOR) < 0) {
            out.add(Finding.fail("engine API", api + " is older than " + EngineApi.FLOOR + " (Docker 20.10)",
                    "upgrade the engine to Docker 20.10 or later"));
        } else if (EngineApi.compare(api, EngineApi.TESTED) > 0) {
            out.add(Finding.warn("engine API", api + " is newer than the newest tested, " + EngineApi.TESTED,
                    "expected to work (the API is backward compatible); report what does not"));
        } else {
            out.add(Finding.ok("engine API", api + " (hostlet speaks " + EngineApi.FLOOR + " to "
                    + EngineApi.TESTED + ")"));
        }
        out.add(Finding.ok("image store", info.storageDriver() + " in " + info.rootDir()));
        if (info.podman()) {
            out.add(Finding.warn("engine kind", "Podman, through its Docker API", "supported with the differences "
                    + "docs/engines.md lists; Docker is what the suite runs on"));
        }
        return out;
    }

    private List<Finding> manifestChecks(Policy policy) {
        Path dir = settings.manifestsDir();
        if (!Files.isDirectory(dir)) {
            return List.of(Finding.fail("manifests", dir + " is not a folder", "mkdir -p " + dir
                    + " (or set HOSTLET_MANIFESTS_DIR)"));
        }
        if (!Files.isReadable(dir)) {
            return List.of(Finding.fail("manifests", dir + " is not readable by this user",
                    "make it readable by hostlet's user (chmod o+rx, or its group)"));
        }
        DesiredState state = new FolderSource(dir, policy, new SourceFiles(settings.secretsDir(), List.of())).read();
        List<Finding> out = new ArrayList<>();
        List<ManifestError> errors = state.errors();
        for (ManifestError e : errors.subList(0, Math.min(ERRORS_SHOWN, errors.size()))) {
            out.add(Finding.fail("manifests", dir.resolve(e.file()).normalize() + (e.line() > 0 ? ":" + e.line() : "")
                    + ": " + e.message(), "fix the file (hostlet validate " + dir + "); a policy refusal is lifted "
                    + "per manifest with hostlet.policy.allow.\"NAME\"=RULES"));
        }
        if (errors.size() > ERRORS_SHOWN) {
            out.add(Finding.fail("manifests", (errors.size() - ERRORS_SHOWN) + " more problems", "hostlet validate " + dir));
        }
        if (errors.isEmpty() && !state.complete()) {
            out.add(Finding.fail("manifests", dir + ": " + state.problem(), "make the folder readable"));
        }
        if (out.isEmpty()) {
            out.add(Finding.ok("manifests", dir + ": " + state.containers().size() + " containers, valid"));
        }
        return out;
    }

    private Finding stateCheck() {
        Path dir = settings.stateDir();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Finding.warn("state", dir + " does not exist yet", "none: hostlet makes it (0700) at its first pass");
        }
        if (!Files.isDirectory(dir)) {
            return Finding.fail("state", dir + " is not a folder", "move it away; hostlet makes the folder");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(dir);
        } catch (IOException | UnsupportedOperationException e) {
            return Finding.warn("state", dir + ": mode unknown (" + e.getMessage() + ")", "check it is 0700");
        }
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(perms);
        if (!mode.substring(3).equals("------")) {
            return Finding.fail("state", dir + " is " + mode + ": others can read hostlet's records",
                    "chmod 700 " + dir);
        }
        if (!Files.isWritable(dir)) {
            return Finding.fail("state", dir + " is not writable by this user", "chown it to hostlet's user");
        }
        return Finding.ok("state", dir + " (" + mode + ")");
    }

    /**
     * The host's key for the spec labels ({@code <state-dir>/label-key}, 32 bytes, 0600; {@code recorder.LabelKeyFile}):
     * a wrong one is left alone by hostlet, which then runs with a key for one process only.
     */
    private Finding labelKeyCheck() {
        Path file = settings.stateDir().resolve(LabelKeyFile.NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Finding.warn("label key", file + " does not exist yet", "none: hostlet makes it (0600) at its start");
        }
        try {
            long size = Files.size(file);
            if (size != LabelKey.BYTES) {
                return Finding.fail("label key", file + " has " + size + " bytes, not " + LabelKey.BYTES + ": hostlet "
                        + "runs with a key for one process only", "look at it, then delete it to have a new one made");
            }
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            if (!mode.equals("rw-------")) {
                return Finding.fail("label key", file + " is " + mode + ": others can read the key", "chmod 600 " + file);
            }
            if (!Files.isReadable(file)) {
                return Finding.fail("label key", file + " is not readable by this user", "chown it to hostlet's user");
            }
            return Finding.ok("label key", file + " (" + mode + ")");
        } catch (IOException | UnsupportedOperationException e) {
            return Finding.fail("label key", file + ": " + e.getMessage(), "make it readable by hostlet's user");
        }
    }

    private Finding instanceCheck() {
        String instance = settings.instance();
        if (!INSTANCE.matcher(instance).matches()) {
            return Finding.fail("instance", "\"" + instance + "\" is no valid label value",
                    "set HOSTLET_INSTANCE to letters, digits, '.', '_' or '-' (at most 63)");
        }
        return Finding.ok("instance", "owns what carries io.hostlet.managed=true and io.hostlet.instance=" + instance);
    }

    private Finding secretsCheck() {
        Path dir = settings.secretsDir();
        if (!Files.exists(dir)) {
            return Finding.ok("secrets", dir + " does not exist (only needed by manifests with secrets or env files)");
        }
        try {
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
            if (mode.charAt(6) != '-' || mode.charAt(7) != '-' || mode.charAt(8) != '-') {
                return Finding.fail("secrets", dir + " is " + mode + ": every user of the host can reach the secrets",
                        "chmod o-rwx " + dir);
            }
            Path manifests = settings.manifestsDir().toAbsolutePath().normalize();
            if (dir.toAbsolutePath().normalize().startsWith(manifests)) {
                return Finding.warn("secrets", dir + " is inside the manifests folder",
                        "move it out: a manifests folder is often a git checkout or readable by many");
            }
            return Finding.ok("secrets", dir + " (" + mode + ")");
        } catch (IOException | UnsupportedOperationException e) {
            return Finding.warn("secrets", dir + ": mode unknown (" + e.getMessage() + ")", "check it is 0700 or 0750");
        }
    }
}
