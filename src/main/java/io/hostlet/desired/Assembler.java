package io.hostlet.desired;

import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ImageManifest;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ParseResult;
import io.hostlet.manifest.SourceRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Makes a desired state from the files a source read, and keeps it safe: pure, the same for every source (a folder,
 * a git tree). Given the parsed files of one read and each file's last good version from the read before, it returns
 * the desired state and the last good versions for the next read.
 *
 * <p>The rules: a file with errors, an empty one (see {@link #EMPTY_FILE}) and one whose dependencies do not resolve
 * are held: their last good version stays in force (none, for a new file), so an edit half-way, a torn write or a
 * mistake never removes what the file made. A file under a folder that could not be listed is unknown, not gone, and
 * is held too; over a folder-wide limit nothing is read and every file is held. A file that is simply gone is
 * forgotten. A container or image name claimed by more than one file is held: neither claim is in force. Containers
 * and images are separate namespaces.
 */
public final class Assembler {

    /** The status entry of a file that holds no document; it is held like a file with errors. */
    public static final String EMPTY_FILE =
            "file is empty; its last good version stays in force; delete the file to remove its containers";

    /**
     * One file as read.
     *
     * @param result what it parsed to (after the policy and the files its manifests take content from)
     * @param blank  whether it holds only white space and byte order marks
     */
    public record FileRead(ParseResult result, boolean blank) {
    }

    /**
     * What one read of a source found.
     *
     * @param files     each file read, by its path relative to the source's root ({@code /} separators)
     * @param errors    errors about the listing itself (folders that could not be listed, symlink loops)
     * @param unlisted  folders that could not be listed: files under them are unknown, not gone
     * @param overLimit why nothing was read (too many files or bytes); null when the read was within the limits
     */
    public record Read(Map<String, FileRead> files, List<ManifestError> errors, Set<String> unlisted,
                       String overLimit) {

        public Read {
            files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
            errors = List.copyOf(errors);
            unlisted = Set.copyOf(unlisted);
        }

        /** A read within the limits that could list everything. */
        public static Read of(Map<String, FileRead> files) {
            return new Read(files, List.of(), Set.of(), null);
        }
    }

    /** Each file's last good version, by path: what a held file keeps in force. */
    public record LastGood(Map<String, ParseResult> files) {

        /** Before the first read. */
        public static final LastGood NONE = new LastGood(Map.of());

        public LastGood {
            files = Map.copyOf(files);
        }
    }

    /** The desired state of one read, and the last good versions the next read starts from. */
    public record Result(DesiredState state, LastGood lastGood) {
    }

    private Assembler() {
    }

    /** The desired state {@code read} makes after {@code before}. */
    public static Result assemble(Read read, LastGood before) {
        List<ManifestError> errors = new ArrayList<>(read.errors());
        Set<String> heldFiles = new HashSet<>();
        Map<String, ParseResult> good = new TreeMap<>();
        Map<String, ParseResult> last = before.files();
        if (read.overLimit() != null) {
            errors.add(new ManifestError(".", 0, 0, read.overLimit()));
        }
        // Over a folder-wide limit nothing is read: the last good state stays in force whole, and the state is
        // incomplete so nothing is removed. Reading "the first N" would make what is in force depend on listing order.
        Map<String, FileRead> files = read.overLimit() == null ? read.files() : Map.of();
        for (Map.Entry<String, FileRead> file : files.entrySet()) {
            String rel = file.getKey();
            ParseResult result = file.getValue().result();
            if (result.ok() && result.manifests().isEmpty() && result.images().isEmpty() || file.getValue().blank()) {
                // Empty, blank or only comments: what a truncating writer (>), an editor mid-save or a torn write
                // leaves for a moment. Never read as "remove everything this file made"; deleting it is how to remove.
                errors.add(new ManifestError(rel, 1, 1, EMPTY_FILE)); // line 1: where the content should be
                hold(rel, heldFiles, good, last);
            } else if (result.ok()) {
                good.put(rel, result);
            } else {
                errors.addAll(result.errors());
                hold(rel, heldFiles, good, last);
            }
        }
        // Files under a folder that could not be listed are unknown, not gone: keep what we had.
        for (String rel : last.keySet()) {
            if (read.overLimit() != null || !read.files().containsKey(rel)
                    && read.unlisted().stream().anyMatch(dir -> rel.startsWith(dir + "/"))) {
                hold(rel, heldFiles, good, last);
            }
        }
        Map<String, ContainerManifest> containers = new HashMap<>();
        Set<String> heldNames = new HashSet<>();
        List<ManifestError> nameErrors = new ArrayList<>();
        // dependsOn is checked across files: a file whose dependencies do not resolve is invalid like one with a
        // syntax error, so its last good version stays in force and nothing it made is removed. That version may
        // not resolve either (it fitted the old folder), nor may files depending on a rejected one: repeat until
        // everything in force resolves. Ends: a file is replaced by its last good version once, then dropped.
        Set<ManifestError> depErrors = new LinkedHashSet<>();
        Map<String, String> rejectedNames = new HashMap<>();
        Set<String> replaced = new HashSet<>();
        while (true) {
            containers.clear();
            heldNames.clear();
            nameErrors.clear();
            inForce(good, ParseResult::manifests, ContainerManifest::name, ContainerManifest::source, "container",
                    containers, heldNames, nameErrors);
            DependencyCheck.Result deps = DependencyCheck.check(containers, heldNames, rejectedNames);
            if (deps.files().isEmpty()) {
                break;
            }
            depErrors.addAll(deps.errors());
            for (String rel : deps.files()) {
                heldFiles.add(rel);
                ParseResult rejected = good.remove(rel);
                if (rejected != null) {
                    rejected.manifests().forEach(m -> rejectedNames.putIfAbsent(m.name(), rel));
                }
                if (replaced.add(rel)) {
                    hold(rel, heldFiles, good, last);
                }
            }
        }
        errors.addAll(nameErrors);
        errors.addAll(depErrors);
        Map<String, ImageManifest> images = new HashMap<>();
        Set<String> heldImages = new HashSet<>();
        inForce(good, ParseResult::images, ImageManifest::name, ImageManifest::source, "image", images, heldImages,
                errors);
        DesiredState state = new DesiredState(containers, heldFiles, heldNames, errors, read.overLimit() == null,
                read.overLimit(), images, heldImages);
        return new Result(state, new LastGood(good));
    }

    /**
     * The manifests of one kind in force by name; names claimed more than once are held, with an error on each
     * claim ({@code kind} names the namespace in it).
     */
    private static <M> void inForce(Map<String, ParseResult> good, Function<ParseResult, List<M>> of,
                                    Function<M, String> name, Function<M, SourceRef> source, String kind,
                                    Map<String, M> inForce, Set<String> held, List<ManifestError> errors) {
        Map<String, List<M>> byName = new LinkedHashMap<>();
        good.values().forEach(r -> of.apply(r).forEach(m -> byName.computeIfAbsent(name.apply(m),
                n -> new ArrayList<>()).add(m)));
        for (Map.Entry<String, List<M>> e : byName.entrySet()) {
            List<M> claims = e.getValue();
            if (claims.size() == 1) {
                inForce.put(e.getKey(), claims.get(0));
                continue;
            }
            held.add(e.getKey());
            for (M m : claims) {
                String others = others(claims, m, source);
                errors.add(new ManifestError(source.apply(m).file(), source.apply(m).line(), 1, kind + " name \""
                        + e.getKey() + "\" is also defined at " + others + "; none of them is applied until only one is left"));
            }
        }
    }

    /**
     * The other claims of a name, at most five and then how many more: with N files claiming one name, listing them
     * all would make N errors of N places each.
     */
    private static <M> String others(List<M> claims, M self, Function<M, SourceRef> source) {
        List<String> places = claims.stream().filter(o -> o != self).map(o -> source.apply(o).toString()).toList();
        return places.size() <= 5 ? String.join(", ", places)
                : String.join(", ", places.subList(0, 5)) + " and " + (places.size() - 5) + " more";
    }

    private static void hold(String rel, Set<String> heldFiles, Map<String, ParseResult> good,
                             Map<String, ParseResult> last) {
        heldFiles.add(rel);
        ParseResult previous = last.get(rel);
        if (previous != null) {
            good.put(rel, previous);
        }
    }
}
