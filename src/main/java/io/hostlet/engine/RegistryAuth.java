package io.hostlet.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Registry credentials for pulls and registry checks, looked up at each use (so every source can be rotated
 * without a restart), in this order for the registry an image comes from:
 * <ol>
 *     <li>a {@link PasswordFile} configured for that registry ({@code hostlet.registry.auth."<host>".*});</li>
 *     <li>the Docker client config file ({@code ~/.docker/config.json} or {@code hostlet.registry.config}), as the
 *     docker CLI reads it: its {@code credHelpers} entry for the registry, else its {@code credsStore}, else its
 *     {@code auths} entry ({@code {"auth": base64(user:pass)}}, {@code username}/{@code password}, and/or
 *     {@code identitytoken}).</li>
 * </ol>
 * A credential helper is the program {@code docker-credential-<name>} found on the search path, run with
 * {@code get} and the server address on stdin (the docker-credential-helpers protocol); it is killed after the
 * timeout. "Credentials not found" from a helper means an anonymous pull.
 *
 * <p>When a configured source cannot deliver (a password file that cannot be read, a helper that is missing,
 * fails or hangs), {@link #forImage} throws {@link CredentialsUnavailable} rather than pulling anonymously: the
 * operator asked for credentials, and the registry's "unauthorized" would hide the cause. A malformed Docker
 * config file is still treated like an absent one, as before.
 *
 * <p>Secrets never reach a log, status or message: {@link Credentials#toString} hides them, error messages name
 * files and helpers but never quote what they hold, and a failing helper's output is cut to one short line with
 * anything that looks like JSON withheld.
 */
public final class RegistryAuth {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Docker Hub's names as they appear as {@code auths} keys; images without a registry host are Hub images. */
    private static final String HUB = "docker.io";
    /** The server address the docker CLI files Hub credentials under, and asks helpers for. */
    private static final String HUB_SERVER = "https://index.docker.io/v1/";
    /** What docker-credential-helpers prints (on stdout, exit 1) when it has nothing for the server. */
    private static final String NOT_FOUND = "credentials not found in native keychain";
    /** A helper's {@code Username} saying that {@code Secret} is an identity token (docker CLI's convention). */
    private static final String TOKEN_USERNAME = "<token>";
    /** Helper names become part of a file name: no path separators, no tricks. */
    private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final int MAX_ERROR_LINE = 120;
    /** Default bound on one helper run. */
    public static final Duration DEFAULT_HELPER_TIMEOUT = Duration.ofSeconds(10);

    private final Path file;
    private final Map<String, PasswordFile> passwordFiles;
    private final List<Path> helperPath;
    private final Duration helperTimeout;

    /**
     * @param file          the Docker client config file; null means none
     * @param passwordFiles per-registry credentials, keyed by registry host ({@code 127.0.0.1:5000},
     *                      {@code docker.io}); they win over the config file for their registry
     * @param helperPath    the folders searched for {@code docker-credential-<name>}, in order (usually PATH)
     * @param helperTimeout bound on one helper run; it is killed after it
     */
    public RegistryAuth(Path file, Map<String, PasswordFile> passwordFiles, List<Path> helperPath, Duration helperTimeout) {
        this.file = file;
        this.passwordFiles = new LinkedHashMap<>();
        passwordFiles.forEach((host, pf) -> this.passwordFiles.put(normalize(host), pf));
        this.helperPath = List.copyOf(helperPath);
        this.helperTimeout = helperTimeout;
    }

    /** Only the Docker config file {@code file} (null: none), helpers searched on PATH. */
    public RegistryAuth(Path file) {
        this(file, Map.of(), pathFromEnvironment(), DEFAULT_HELPER_TIMEOUT);
    }

    /** None: every pull is anonymous. */
    public static RegistryAuth none() {
        return new RegistryAuth(null, Map.of(), List.of(), DEFAULT_HELPER_TIMEOUT);
    }

    /** The folders of this process's {@code PATH}. */
    public static List<Path> pathFromEnvironment() {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String d : path.split(Pattern.quote(File.pathSeparator))) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        return dirs;
    }

    /** Credentials for one registry from configuration: a user name, and a file holding the password or token. */
    public record PasswordFile(String username, Path file) {
    }

    /**
     * What is sent to the engine for one registry: a user name and password, or an identity token (an OAuth
     * refresh token, which the engine prefers over a password; the user name may then be empty).
     */
    public record Credentials(String username, String password, String identityToken, String serverAddress) {

        /** A user name and password. */
        public Credentials(String username, String password, String serverAddress) {
            this(username, password, null, serverAddress);
        }

        /** Whether this carries an identity token rather than a password. */
        public boolean hasIdentityToken() {
            return identityToken != null && !identityToken.isEmpty();
        }

        @Override
        public String toString() {
            return "Credentials[" + (username == null ? "" : username) + "@" + serverAddress
                    + (hasIdentityToken() ? ", identity token hidden]" : ", password hidden]");
        }
    }

    /**
     * A configured credential source could not deliver. The message names the registry and the file or helper,
     * never a secret, so it can go into status and logs as it is.
     */
    public static final class CredentialsUnavailable extends RuntimeException {
        CredentialsUnavailable(String message) {
            // No cause: an IOException's or a process's text is not ours to vouch for.
            super(message);
        }
    }

    /**
     * The credentials for the registry {@code image} comes from; empty when no source has any for it (an
     * anonymous pull).
     *
     * @throws CredentialsUnavailable when the source that applies to the registry fails (see the class comment)
     */
    public Optional<Credentials> forImage(String image) {
        String host = registryHost(image);
        PasswordFile pf = passwordFiles.get(host);
        if (pf != null) {
            return Optional.of(new Credentials(pf.username(), readPasswordFile(host, pf.file()), serverAddress(host)));
        }
        if (file == null) {
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // Absent or malformed: anonymous, as before helpers existed (the registry's "unauthorized" follows).
            return Optional.empty();
        }
        if (config == null) {
            return Optional.empty();
        }
        String helperKey = keyFor(config.path("credHelpers"), host);
        String helper = helperKey == null ? "" : config.path("credHelpers").path(helperKey).asText("");
        String source = "credHelpers";
        if (helper.isEmpty()) {
            helper = config.path("credsStore").asText("");
            source = "credsStore";
        }
        if (!helper.isEmpty()) {
            return fromHelper(helper, source, host);
        }
        JsonNode auths = config.path("auths");
        String key = keyFor(auths, host);
        return key == null ? Optional.empty() : credentials(auths.get(key), key);
    }

    /** The address the docker CLI uses for a registry: Hub's v1 URL, else the host. */
    private static String serverAddress(String host) {
        return host.equals(HUB) ? HUB_SERVER : host;
    }

    private static String readPasswordFile(String host, Path f) {
        String what = "credentials for " + host + ": password file " + f;
        String s;
        try {
            s = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CredentialsUnavailable(what + " does not exist");
        } catch (AccessDeniedException e) {
            throw new CredentialsUnavailable(what + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new CredentialsUnavailable(what + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        // Files written with echo or an editor end in a newline that is not part of the password.
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            // Most likely a rotation caught half-way; an empty password would only earn an "unauthorized".
            throw new CredentialsUnavailable(what + " is empty");
        }
        return s.substring(0, end);
    }

    private static String keyFor(JsonNode section, String host) {
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (normalize(key).equals(host)) {
                return key;
            }
        }
        return null;
    }

    private static Optional<Credentials> credentials(JsonNode entry, String server) {
        String user = entry.path("username").asText("");
        String pass = entry.path("password").asText("");
        String auth = entry.path("auth").asText("");
        String token = entry.path("identitytoken").asText("");
        if (user.isEmpty() && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            if (colon >= 0) {
                user = decoded.substring(0, colon);
                pass = decoded.substring(colon + 1);
            }
        }
        if (!token.isEmpty()) {
            return Optional.of(new Credentials(user, "", token, server));
        }
        return user.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, pass, null, server));
    }

    private Optional<Credentials> fromHelper(String name, String source, String host) {
        String program = "docker-credential-" + name;
        String what = "credentials for " + host + ": credential helper " + program + " (" + source + " in " + file + ")";
        if (!HELPER_NAME.matcher(name).matches()) {
            throw new CredentialsUnavailable(what + ": not a valid helper name");
        }
        Path exe = helperPath.stream().map(d -> d.resolve(program))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst()
                .orElseThrow(() -> new CredentialsUnavailable(what + " is not on PATH"));
        String server = serverAddress(host);
        HelperRun run = runHelper(exe, server, helperTimeout);
        if (run.timedOut()) {
            throw new CredentialsUnavailable(what + " did not answer within " + helperTimeout.toMillis() + " ms and was killed");
        }
        String out = new String(run.stdout(), StandardCharsets.UTF_8);
        if (run.exitCode() != 0) {
            // The protocol reports errors on stdout; "not found" is an answer, not a failure.
            if (out.trim().equals(NOT_FOUND)) {
                return Optional.empty();
            }
            String err = new String(run.stderr(), StandardCharsets.UTF_8);
            throw new CredentialsUnavailable(what + " failed with exit code " + run.exitCode() + ": "
                    + sanitizedLine(out.isBlank() ? err : out));
        }
        JsonNode json;
        try {
            json = JSON.readTree(out);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new CredentialsUnavailable(what + " answered something other than a JSON object");
        }
        String user = json.path("Username").asText("");
        String secret = json.path("Secret").asText("");
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        if (user.equals(TOKEN_USERNAME)) {
            return Optional.of(new Credentials("", "", secret, server));
        }
        return Optional.of(new Credentials(user, secret, null, server));
    }

    /** One helper run's result; output cut at {@link #MAX_OUTPUT}. */
    private record HelperRun(boolean timedOut, int exitCode, byte[] stdout, byte[] stderr) {
    }

    private static HelperRun runHelper(Path exe, String server, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(exe.toString(), "get").start();
        } catch (IOException e) {
            throw new CredentialsUnavailable("credential helper " + exe + " could not be started ("
                    + e.getClass().getSimpleName() + ")");
        }
        // Both pipes are drained while it runs, so a chatty helper cannot block on a full pipe.
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(server.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // It exited or closed stdin without reading: its exit code and output tell the rest.
        }
        boolean done;
        try {
            done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            // A shell-script helper's children (curl, sleep) hold the pipes open: kill them first, while they
            // are still descendants.
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] stdout = out.finish();
        byte[] stderr = err.finish();
        return new HelperRun(!done, done ? p.exitValue() : -1, stdout, stderr);
    }

    /** Reads a process stream to its end on its own thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Drain {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream in) {
            this.in = in;
            this.thread = new Thread(this::run, "credential-helper-output");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buf) {
                        if (buf.size() < MAX_OUTPUT) {
                            buf.write(chunk, 0, Math.min(n, MAX_OUTPUT - buf.size()));
                        }
                    }
                }
            } catch (IOException e) {
                // closed under us by finish(): what was read so far is the answer
            }
        }

        byte[] finish() {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                // A grandchild that escaped the kill still holds the pipe; stop waiting for it.
                try {
                    in.close();
                } catch (IOException e) {
                    // nothing more to read either way
                }
            }
            synchronized (buf) {
                return buf.toByteArray();
            }
        }
    }

    /**
     * One short line of a failing helper's output for an error message: the first non-blank line, printable
     * ASCII only, cut short. Anything with JSON in it is withheld, since a confused helper may print what it
     * holds; that is all of the output that ever reaches a log.
     */
    static String sanitizedLine(String output) {
        String line = output.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        if (line.isEmpty()) {
            return "(no output)";
        }
        if (line.contains("{") || line.contains("\"Secret\"")) {
            return "(output withheld)";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < line.length() && b.length() < MAX_ERROR_LINE; i++) {
            char c = line.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return line.length() > MAX_ERROR_LINE ? b + "..." : b.toString();
    }

    /**
     * The registry host of an image reference, as Docker decides it: the first path component when it looks like
     * a host (has a '.' or ':', or is {@code localhost}), else Docker Hub.
     */
    public static String registryHost(String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String first = image.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return normalize(first);
            }
        }
        return HUB;
    }

    /** An {@code auths} key or a host as one comparable host: scheme and path dropped, Hub's aliases unified. */
    static String normalize(String key) {
        String k = key.toLowerCase(Locale.ROOT).trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return switch (k) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> HUB;
            default -> k;
        };
    }
}
