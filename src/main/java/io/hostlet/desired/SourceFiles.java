package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.Dotenv;
import io.hostlet.manifest.FileContent;
import io.hostlet.manifest.FileSources;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what manifests take from files ({@link FileSources}) where the manifests are read, so the service, git mode
 * and {@code hostlet validate} report the same errors: env values, env files and secrets from the secrets folder
 * ({@code hostlet.secrets.dir}), config files from beside the manifest.
 *
 * <p>Rules: a secret-side file must lie, after symlinks, inside the secrets folder, and the secrets folder must not
 * lie in a manifests tree (whatever is there is pushed, reviewed, copied around); a config file must lie, after
 * {@code ..} and symlinks, inside the manifests tree. A missing, unreadable or refused file is an error at the field
 * (file, line, column), which makes the manifest file invalid as a whole, like a syntax error: its last good version,
 * and so any running container, stays as it is. Messages name paths and lines, never content.
 */
public final class SourceFiles {

    /** Largest config file or secret, in bytes: these are settings, not data. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /** Largest env value or env file, in bytes (the longest value a manifest may hold itself). */
    public static final int MAX_ENV_BYTES = ManifestParser.MAX_SCALAR_CHARS;

    /** The default of {@code hostlet.secrets.dir}. */
    public static final Path DEFAULT_DIR = Path.of(".hostlet-secrets");

    private final Path secretsDir;
    /** Trees secrets must not come from (besides the one being read): the git checkout. */
    private final List<Path> trees;

    /**
     * @param secretsDir where secret-side files are looked up
     * @param trees      further folders that must not hold secrets (the git checkout); the manifests tree being read is
     *                   always one
     */
    public SourceFiles(Path secretsDir, List<Path> trees) {
        this.secretsDir = secretsDir;
        this.trees = List.copyOf(trees);
    }

    /** These rules with {@code tree} added to the trees secrets must not come from. */
    public SourceFiles alsoRefusing(Path tree) {
        List<Path> all = new ArrayList<>(trees);
        all.add(tree);
        return new SourceFiles(secretsDir, all);
    }

    /** The secrets folder. */
    public Path secretsDir() {
        return secretsDir;
    }

    /** Whether any manifest of {@code result} takes something from a file. */
    static boolean needed(ParseResult result) {
        return result.manifests().stream().anyMatch(m -> !m.spec().sources().isEmpty());
    }

    /**
     * {@code result} with every file its manifests refer to read; or, when one cannot be used, {@code result}'s file
     * invalid with an error per problem.
     *
     * @param content  the manifest file's text (for error positions)
     * @param manifest the manifest file
     * @param tree     the manifests tree it belongs to (config files must lie in it; secrets must not)
     */
    ParseResult resolve(ParseResult result, String content, Path manifest, Path tree) {
        if (!result.ok() || !needed(result)) {
            return result;
        }
        List<ManifestError> errors = new ArrayList<>();
        List<io.hostlet.manifest.ContainerManifest> out = new ArrayList<>();
        for (ContainerManifest m : result.manifests()) {
            Reader r = new Reader(m, content, manifest, tree, errors);
            FileSources s = m.spec().sources();
            if (s.isEmpty()) {
                out.add(m);
                continue;
            }
            List<FileSources.EnvValueFrom> env = new ArrayList<>();
            for (FileSources.EnvValueFrom e : s.env()) {
                FileContent c = r.envText(r.secret(e.file(), "spec.env[" + e.index() + "].valueFrom.file"));
                env.add(e.with(c));
            }
            List<FileSources.EnvFile> envFrom = new ArrayList<>();
            for (int i = 0; i < s.envFrom().size(); i++) {
                FileSources.EnvFile e = s.envFrom().get(i);
                String field = "spec.envFrom[" + i + "].file";
                FileContent c = r.envText(r.secret(e.file(), field));
                if (c != null) {
                    Dotenv.Result d = Dotenv.parse(c.text());
                    if (!d.ok()) {
                        r.error(field, r.lastPath + ":" + d.line() + ": " + d.error());
                    }
                }
                envFrom.add(e.with(c));
            }
            List<FileSources.MountedFile> files = new ArrayList<>();
            for (int i = 0; i < s.files().size(); i++) {
                FileSources.MountedFile f = s.files().get(i);
                files.add(f.with(r.configFile(f.source(), "spec.files[" + i + "].source")));
            }
            List<FileSources.MountedFile> secrets = new ArrayList<>();
            for (int i = 0; i < s.secrets().size(); i++) {
                FileSources.MountedFile f = s.secrets().get(i);
                secrets.add(f.with(r.secret(f.source(), "spec.secrets[" + i + "].source")));
            }
            out.add(new ContainerManifest(m.name(), m.labels(),
                    m.spec().withSources(new FileSources(env, envFrom, files, secrets)), m.source()));
        }
        return errors.isEmpty() ? new ParseResult(out, List.of(), result.images()) : new ParseResult(List.of(), errors);
    }

    /** Reads one manifest's files, collecting errors at its fields. */
    private final class Reader {
        private final ContainerManifest m;
        private final String content;
        private final Path manifest;
        private final Path tree;
        private final List<ManifestError> errors;
        /** The path of the last file read, as shown in errors. */
        String lastPath;

        Reader(ContainerManifest m, String content, Path manifest, Path tree, List<ManifestError> errors) {
            this.m = m;
            this.content = content;
            this.manifest = manifest;
            this.tree = tree;
            this.errors = errors;
        }

        void error(String field, String message) {
            errors.add(ManifestParser.errorAt(m.source().file(), content, m.source().line(), field, field + ": " + message));
        }

        /** A file under the secrets folder, or null (with an error). */
        FileContent secret(String name, String field) {
            Path dir;
            try {
                dir = secretsDir.toRealPath();
            } catch (NoSuchFileException e) {
                error(field, "hostlet.secrets.dir " + secretsDir.toAbsolutePath().normalize() + " does not exist");
                return null;
            } catch (IOException e) {
                error(field, "cannot use hostlet.secrets.dir " + secretsDir.toAbsolutePath().normalize() + ": " + why(e));
                return null;
            }
            for (Path t : allTrees()) {
                if (inside(dir, t) || inside(t, dir)) {
                    error(field, "hostlet.secrets.dir " + dir + " must not share a folder with the manifests tree " + t
                            + " (secrets do not belong where manifests are pushed and copied)");
                    return null;
                }
            }
            Path file = secretsDir.resolve(name);
            lastPath = file.toAbsolutePath().normalize().toString();
            return read(file, dir, "hostlet.secrets.dir " + dir, field, MAX_FILE_BYTES);
        }

        /** A file beside the manifest, inside its tree, or null (with an error). */
        FileContent configFile(String source, String field) {
            Path root;
            try {
                root = tree.toRealPath();
            } catch (IOException e) {
                error(field, "cannot resolve the manifests tree " + tree + ": " + why(e));
                return null;
            }
            Path parent = manifest.toAbsolutePath().getParent();
            Path file = parent.resolve(source).normalize();
            lastPath = file.toString();
            if (!inside(file, tree.toAbsolutePath().normalize()) && !inside(file, root)) {
                error(field, lastPath + " lies outside the manifests tree " + root + " (files come from beside the"
                        + " manifest; secrets from hostlet.secrets.dir)");
                return null;
            }
            return read(file, root, "the manifests tree " + root, field, MAX_FILE_BYTES);
        }

        /** {@code c} when it is text fit for an env value (UTF-8, no NUL, not too long); null (with an error) if not. */
        FileContent envText(FileContent c) {
            if (c == null) {
                return null;
            }
            byte[] b = c.bytes();
            if (b.length > MAX_ENV_BYTES) {
                error(lastField, lastPath + " is larger than " + MAX_ENV_BYTES + " bytes (an env value or env file)");
                return null;
            }
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            } catch (CharacterCodingException e) {
                error(lastField, lastPath + " is not UTF-8 text (env values are text)");
                return null;
            }
            for (byte x : b) {
                if (x == 0) {
                    error(lastField, lastPath + " holds a NUL byte (an env value cannot)");
                    return null;
                }
            }
            return c;
        }

        private String lastField;

        private FileContent read(Path file, Path root, String rootName, String field, int max) {
            lastField = field;
            Path abs = file.toAbsolutePath().normalize();
            Path relative = abs.startsWith(root) ? root.relativize(abs)
                    : abs.startsWith(rootAsGiven(root)) ? rootAsGiven(root).relativize(abs) : root.relativize(abs);
            // Both kinds stay in their root through symlinks: a secret thus never comes from a manifests tree (its
            // root does not share a folder with one, checked above), and a config file never from elsewhere. The
            // walk and the read are one (ConfinedFile), so a link swapped in after the check is not followed.
            try {
                return FileContent.of(ConfinedFile.read(root, relative, max));
            } catch (ConfinedFile.Refused e) {
                error(field, e.getMessage().equals("leaves the folder")
                        ? lastPath + " leads to " + safeReal(file) + ", outside " + rootName
                        : lastPath + " " + e.getMessage());
            } catch (AccessDeniedException e) {
                error(field, "cannot read " + lastPath + ": permission denied");
            } catch (IOException e) {
                error(field, "cannot read " + lastPath + ": " + why(e));
            }
            return null;
        }

        /** The folder {@code root} was resolved from, as configured (absolute), so paths written under it map onto it. */
        private Path rootAsGiven(Path root) {
            Path given = root.equals(safeReal(secretsDir)) ? secretsDir : tree;
            return given.toAbsolutePath().normalize();
        }

        private List<Path> allTrees() {
            List<Path> all = new ArrayList<>();
            for (Path t : trees) {
                all.add(safeReal(t));
            }
            all.add(safeReal(tree));
            return all;
        }
    }

    /** {@code p} through symlinks when it exists, else as an absolute normalised path. */
    private static Path safeReal(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static boolean inside(Path p, Path root) {
        return p.equals(root) || p.startsWith(root);
    }

    /** An I/O error's kind, without a message that could quote content. */
    private static String why(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
    }
}
