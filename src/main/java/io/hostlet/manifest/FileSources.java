package io.hostlet.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container takes from files rather than from its manifest: env values ({@code env[].valueFrom.file}), env
 * files ({@code envFrom}) and secrets from {@code hostlet.secrets.dir}, and config files ({@code files}) from beside
 * the manifest. The parser fills in names and paths; the desired-state reader fills in each {@link FileContent}
 * (null until then). Only digests of the contents take part in the spec hash, each list only when non-empty.
 */
public record FileSources(List<EnvValueFrom> env, List<EnvFile> envFrom, List<MountedFile> files,
                          List<MountedFile> secrets) {

    /** None of these fields: the spec hash is what it was before they existed. */
    public static final FileSources NONE = new FileSources(List.of(), List.of(), List.of(), List.of());

    /** The mode of a config file when the manifest gives none: readable by everyone, writable by no one. */
    public static final int DEFAULT_FILE_MODE = 0444;

    /** The mode of every secret: readable by its owner only. */
    public static final int SECRET_MODE = 0400;

    public FileSources {
        env = List.copyOf(env);
        envFrom = List.copyOf(envFrom);
        files = List.copyOf(files);
        secrets = List.copyOf(secrets);
    }

    /** The config files and then the secrets: what is copied into the container before its first start. */
    public List<MountedFile> copies() {
        List<MountedFile> all = new java.util.ArrayList<>(files);
        all.addAll(secrets);
        return all;
    }

    /** Who owns the copied files: the container's user when the spec names it by number, else root. */
    public record Owner(long uid, long gid) {
        /**
         * The owner for {@code spec}: {@code runAsUser}/{@code runAsGroup}, else a numeric {@code user} ("1000" or
         * "1000:1000"), else root. A user given by name is not resolved (that needs the image's /etc/passwd): its
         * files stay root's, so a 0400 secret needs {@code runAsUser} to be readable by a non-root process.
         */
        public static Owner of(ContainerSpec spec) {
            RuntimeSpec.SecurityContext sc = spec.runtime().securityContext();
            if (sc.runAsUser() != null) {
                return new Owner(sc.runAsUser(), sc.runAsGroup() == null ? sc.runAsUser() : sc.runAsGroup());
            }
            String u = spec.user();
            if (u != null && u.matches("[0-9]{1,9}(:[0-9]{1,9})?")) {
                int colon = u.indexOf(':');
                long uid = Long.parseLong(colon < 0 ? u : u.substring(0, colon));
                return new Owner(uid, colon < 0 ? uid : Long.parseLong(u.substring(colon + 1)));
            }
            return new Owner(0, 0);
        }
    }

    /** Whether the manifest uses none of these fields. */
    public boolean isEmpty() {
        return env.isEmpty() && envFrom.isEmpty() && files.isEmpty() && secrets.isEmpty();
    }

    /**
     * {@code env[index].valueFrom.file}: the variable {@code name} holds the file's content minus one trailing newline.
     */
    public record EnvValueFrom(String name, String file, int index, FileContent content) {
        /** The value: the content without one trailing newline ({@code echo x > f} writes one). */
        public String value() {
            String t = content.text();
            return t.endsWith("\r\n") ? t.substring(0, t.length() - 2) : t.endsWith("\n") ? t.substring(0, t.length() - 1) : t;
        }

        public EnvValueFrom with(FileContent c) {
            return new EnvValueFrom(name, file, index, c);
        }
    }

    /** {@code envFrom[i].file}: a dotenv file whose variables are all set. */
    public record EnvFile(String file, FileContent content) {
        public EnvFile with(FileContent c) {
            return new EnvFile(file, c);
        }
    }

    /** A file copied into the container at {@code mountPath} with {@code mode} before its first start. */
    public record MountedFile(String source, String mountPath, int mode, FileContent content) {
        public MountedFile with(FileContent c) {
            return new MountedFile(source, mountPath, mode, c);
        }
    }

    /**
     * The container's environment as {@code NAME=value} items: the env files in order (a later file overrides an
     * earlier one), then {@code env} (literal values and values from files), which overrides them, as in Kubernetes.
     * Exactly {@code literal} when no file is involved.
     */
    public List<String> environment(List<ContainerSpec.EnvVar> literal) {
        if (isEmpty()) {
            return literal.stream().map(e -> e.name() + "=" + e.value()).toList();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvFile f : envFrom) {
            Dotenv.Result r = Dotenv.parse(f.content().text());
            r.values().forEach(v -> {
                out.remove(v.name()); // the later definition's position, like a shell sourcing both
                out.put(v.name(), v.value());
            });
        }
        for (ContainerSpec.EnvVar e : literal) {
            out.remove(e.name());
            out.put(e.name(), e.value());
        }
        for (EnvValueFrom e : env) {
            out.remove(e.name());
            out.put(e.name(), e.value());
        }
        return out.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
