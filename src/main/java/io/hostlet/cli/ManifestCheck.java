package io.hostlet.cli;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.desired.SourceFiles;
import io.hostlet.manifest.ManifestError;
import io.hostlet.policy.Policy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks manifests offline exactly as the service reads them, by reading them through the service's own
 * {@link FolderSource}: each folder is one desired state (same ignore rules, limits, duplicate-name and dependency
 * checks, same messages); the files named on their own are read together as one more. Problems name files by the
 * path given plus the path inside the folder, so an editor or CI log can jump to them.
 */
final class ManifestCheck {

    private ManifestCheck() {
    }

    /** Every problem in {@code paths}, sorted by file, line and column; empty when all is valid. */
    static List<ManifestError> check(List<Path> paths) {
        return check(paths, Policy.baseline());
    }

    /** As {@link #check(List)}, against {@code policy}. */
    static List<ManifestError> check(List<Path> paths, Policy policy) {
        return check(paths, policy, new SourceFiles(SourceFiles.DEFAULT_DIR, List.of()));
    }

    /** As {@link #check(List, Policy)}, reading secrets, env files and env values with {@code sourceFiles}. */
    static List<ManifestError> check(List<Path> paths, Policy policy, SourceFiles sourceFiles) {
        List<ManifestError> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                problems.addAll(inFolder(p, policy, sourceFiles));
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                files.add(p);
            } else {
                problems.add(new ManifestError(display(p), 0, 0, "no such file or directory"));
            }
        }
        if (!files.isEmpty()) {
            // Read together: a name or dependency defined in one of the files resolves in the others.
            problems.addAll(FolderSource.ofFiles(files, policy, sourceFiles).read().errors());
        }
        problems.sort(Comparator.comparing(ManifestError::file).thenComparingInt(ManifestError::line)
                .thenComparingInt(ManifestError::column));
        return problems;
    }

    private static List<ManifestError> inFolder(Path folder, Policy policy, SourceFiles sourceFiles) {
        DesiredState state = new FolderSource(folder, policy, sourceFiles).read();
        List<ManifestError> problems = new ArrayList<>();
        if (!state.complete() && state.errors().isEmpty()) {
            problems.add(new ManifestError(display(folder), 0, 0, state.problem()));
        }
        for (ManifestError e : state.errors()) {
            String file = e.file().equals(".") ? display(folder) : display(folder.resolve(e.file()));
            problems.add(new ManifestError(file, e.line(), e.column(), e.message()));
        }
        return problems;
    }

    private static String display(Path p) {
        return p.normalize().toString().replace(java.io.File.separatorChar, '/');
    }
}
