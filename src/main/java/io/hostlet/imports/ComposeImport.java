package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ManifestError;
import io.hostlet.manifest.ManifestParser;
import io.hostlet.manifest.ParseResult;
import io.hostlet.policy.Policy;
import io.hostlet.policy.Violation;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts a compose file into hostlet Container manifests, one per service; pure (the command reads and writes the
 * files). Every key is either carried over or reported as {@link NotConverted}; what is written is checked with
 * hostlet's own parser before it is returned, and a field the parser refuses (a value compose accepts and hostlet
 * does not, such as a 4 MB memory limit) is taken out again and reported at the compose line it came from, so the
 * output always passes {@code hostlet validate} (under the {@code privileged} policy level; what the default policy
 * would refuse is said in a notice with the configuration line that allows it).
 */
public final class ComposeImport {

    /** The schema line's default target: the schema's {@code $id}. */
    public static final String SCHEMA = "https://hostlet.io/schema/hostlet-v1.json";

    private static final Set<String> TOP_LEVEL_DECLARATIONS = Set.of("version", "name", "services", "networks",
            "volumes", "secrets", "configs");

    private ComposeImport() {
    }

    /** The compose file could not be read as one: nothing is converted. */
    public static final class NotCompose extends Exception {
        /** 1-based line and column of what is wrong (1:1 when it is the file as a whole). */
        public final int line;
        public final int column;

        NotCompose(String message) {
            this(1, 1, message);
        }

        NotCompose(int line, int column, String message) {
            super(message, null, false, false);
            this.line = line;
            this.column = column;
        }

        NotCompose(Node at, String message) {
            this(at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1, message);
        }
    }

    /**
     * Converts {@code in}, with the profiles given enabled.
     *
     * @param project  the project name ({@code -p}), or null for compose's default
     * @param profiles the enabled profiles: a service with {@code profiles:} none of which is enabled is not written
     */
    public static ImportResult convert(ComposeInput in, String project, List<String> profiles, String schema)
            throws NotCompose {
        return convert(in.file(), in.text(), in.dir(), in.variables(), project, profiles, schema);
    }

    /** {@link #convert(String, String, Path, Map, String, List, String)} with COMPOSE_PROFILES's profiles. */
    public static ImportResult convert(String file, String text, Path dir, Map<String, String> variables, String project,
                                       String schema) throws NotCompose {
        String p = variables.get("COMPOSE_PROFILES");
        List<String> profiles = p == null ? List.of() : java.util.Arrays.stream(p.split(",")).map(String::strip)
                .toList();
        return convert(file, text, dir, variables, project, profiles, schema);
    }

    /**
     * Converts {@code text}.
     *
     * @param file      the file as named on the command line, for reports
     * @param dir       its folder: relative bind-mount sources and env files are resolved against it, and its name is
     *                  the default project name
     * @param variables for interpolation: the environment over the {@code .env} file, as compose has them
     * @param project   the project name, or null for compose's default
     * @param profiles  the enabled profiles
     * @param schema    the {@code $schema} target written into each file's editor line
     */
    public static ImportResult convert(String file, String text, Path dir, Map<String, String> variables, String project,
                                       List<String> profiles, String schema) throws NotCompose {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(200);
            options.setCodePointLimit(Math.max(text.length() + 1, 1024));
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String why = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new NotCompose(at == null ? 1 : at.getLine() + 1, at == null ? 1 : at.getColumn() + 1,
                    "invalid YAML: " + (e.getContext() == null ? "" : e.getContext() + ": ")
                            + why.replace('\n', ' '));
        } catch (YAMLException e) {
            throw new NotCompose("invalid YAML: " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        if (root == null) {
            throw new NotCompose("the file is empty");
        }
        List<Entry> top;
        try {
            top = ComposeNodes.entries(root);
        } catch (Skip s) {
            throw new NotCompose(root, "expected a mapping of services, networks and volumes");
        }
        Map<String, Entry> byKey = new LinkedHashMap<>();
        top.forEach(e -> byKey.put(e.key(), e));
        Entry services = byKey.get("services");
        if (services == null || ComposeNodes.isNull(services.value())) {
            throw services == null ? new NotCompose("no services") : new NotCompose(services.keyNode(), "no services");
        }
        List<NotConverted> dropped = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        Interpolation interpolation = new Interpolation(variables);
        ComposeNodes n = new ComposeNodes(interpolation);
        for (Entry e : top) {
            if (!TOP_LEVEL_DECLARATIONS.contains(e.key()) && !e.key().startsWith("x-")) {
                dropped.add(new NotConverted(file, e.line(), e.key(), e.key().equals("include")
                        ? "import each included file on its own" : "unknown compose key"));
            }
        }

        String projectName = projectName(project != null ? project : variables.get("COMPOSE_PROJECT_NAME"),
                byKey.get("name"), dir, n);
        List<Entry> serviceEntries;
        try {
            serviceEntries = ComposeNodes.entries(services.value());
        } catch (Skip s) {
            throw new NotCompose(services.value(), "services: expected a mapping of service names");
        }

        serviceEntries = ComposeServices.extend(file, serviceEntries, dropped);
        Node[] cycleAt = new Node[1];
        String cycle = ComposeServices.cycle(serviceEntries, cycleAt);
        if (cycle != null) {
            // compose refuses to start any of it; so does hostlet's parser, once the files are written
            throw new NotCompose(cycleAt[0], "depends_on goes round in a circle: " + cycle);
        }
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> taken = new LinkedHashSet<>();
        for (Entry s : serviceEntries) {
            String key = "services." + s.key();
            List<String> in = ComposeServices.profiles(s.value(), n);
            if (!in.isEmpty() && in.stream().noneMatch(profiles::contains) && !profiles.contains("*")) {
                dropped.add(new NotConverted(file, s.line(), key, "only in the profiles " + String.join(", ", in)
                        + ", none of which is enabled: compose does not start it (--profile enables one)"));
                continue;
            }
            if (!hasImage(s.value())) {
                dropped.add(new NotConverted(file, s.line(), key, "no image: hostlet does not build images; build and"
                        + " tag it, then set image"));
                continue;
            }
            String name = ComposeValues.dnsLabel(s.key()) ? s.key() : ComposeValues.toDnsLabel(s.key());
            if (name.isEmpty() || !taken.add(name)) {
                dropped.add(new NotConverted(file, s.line(), key, "its name as a hostlet name (a DNS label), \""
                        + name + "\", is empty or taken"));
                continue;
            }
            if (!name.equals(s.key())) {
                dropped.add(new NotConverted(file, s.line(), key, "hostlet names are DNS labels: written as " + name
                        + ", the name other containers reach it by"));
            }
            names.put(s.key(), name);
        }

        Map<String, String> networks = networks(file, byKey.get("networks"), projectName, n, dropped);
        Map<String, String> volumes = volumes(file, byKey.get("volumes"), projectName, n, dropped);
        Map<String, String> secrets = secrets(byKey.get("secrets"), n);
        Project p = new Project(file, dir, projectName, names, networks, serviceEntries.size() > 1, volumes, secrets,
                variables.get("HOME"));

        Map<String, Draft> drafts = new TreeMap<>();
        for (Entry s : serviceEntries) {
            if (!names.containsKey(s.key())) {
                continue;
            }
            try {
                Draft d = ServiceConverter.convert(p, n, s.key(), s.value(), s.line(), dropped, notices);
                if (!d.spec.containsKey("image")) {
                    // its image key is reported (an unset variable, say); without one there is no manifest
                    dropped.add(new NotConverted(file, s.line(), "services." + s.key(), "its image is not converted"));
                    continue;
                }
                drafts.put(names.get(s.key()), d);
            } catch (Skip e) {
                dropped.add(new NotConverted(file, s.line(), "services." + s.key(), e.getMessage()));
            }
        }

        String headerFormat = "# yaml-language-server: $schema=" + schema + "\n"
                + "# imported by `hostlet import` from " + file + ", service %s\n";
        Map<String, ContainerManifest> checked = new TreeMap<>();
        for (Draft d : new ArrayList<>(drafts.values())) {
            ContainerManifest m = check(d, String.format(headerFormat, d.service), file, dropped);
            if (m == null) {
                drafts.remove(d.name);
            } else {
                checked.put(d.name, m);
            }
        }
        removeDependenciesOnDropped(drafts, file, dropped);

        List<ImportResult.OutputFile> files = new ArrayList<>();
        for (Draft d : drafts.values()) {
            files.add(new ImportResult.OutputFile(d.name + ".yaml", d.render(String.format(headerFormat, d.service))));
        }
        checked.forEach((name, m) -> policyNotice(name, m, notices));
        if (!interpolation.unset().isEmpty()) {
            notices.add("the variables " + String.join(", ", interpolation.unset()) + " are not set: written as empty"
                    + " strings, as compose does (it warns too)");
        }
        if (!interpolation.used().isEmpty()) {
            notices.add("the values of " + String.join(", ", interpolation.used()) + " (from the environment or .env)"
                    + " are written into the manifests: keep secrets out of them (envFrom, secrets)");
        }
        return new ImportResult(files, dropped, notices);
    }

    private static boolean hasImage(Node service) {
        try {
            return ComposeNodes.entries(service).stream().anyMatch(e -> e.key().equals("image")
                    && !ComposeNodes.isNull(e.value()));
        } catch (Skip s) {
            return false;
        }
    }

    private static String projectName(String given, Entry name, Path dir, ComposeNodes n) {
        String raw = given == null || given.isBlank() ? null : given;
        if (raw == null && name != null) {
            try {
                raw = n.text(name.value());
            } catch (Skip s) {
                raw = null;
            }
        }
        if (raw == null) {
            Path folder = dir.toAbsolutePath().normalize().getFileName();
            raw = folder == null ? "default" : folder.toString();
        }
        String p = ComposeValues.projectName(raw);
        return p.isEmpty() ? "default" : p;
    }

    /** Compose network key to hostlet network name; top-level settings hostlet has no counterpart for are reported. */
    private static Map<String, String> networks(String file, Entry section, String project, ComposeNodes n,
                                                List<NotConverted> dropped) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("default", ComposeValues.toDnsLabel(project + "-default"));
        if (section == null || ComposeNodes.isNull(section.value())) {
            return out;
        }
        for (Entry net : ComposeNodes.entries(section.value())) {
            String key = "networks." + net.key();
            String name = null;
            boolean external = false;
            if (!ComposeNodes.isNull(net.value())) {
                for (Entry o : ComposeNodes.entries(net.value())) {
                    String path = key + "." + o.key();
                    try {
                        switch (o.key()) {
                            case "name" -> name = n.required(o.value());
                            case "external" -> {
                                external = external(o.value(), n);
                                if (external && name == null) {
                                    name = externalName(o.value(), n);
                                }
                                if (external) {
                                    dropped.add(new NotConverted(file, o.line(), path, "hostlet creates the networks it"
                                            + " uses; a network of that name not created by hostlet is a conflict:"
                                            + " remove it and let hostlet create it"));
                                }
                            }
                            case "driver" -> {
                                if (!n.required(o.value()).equals("bridge")) {
                                    throw new Skip("hostlet creates bridge networks only");
                                }
                            }
                            case "attachable" -> {
                                // meaningful for overlay networks only; a bridge network is always attachable
                            }
                            case "internal", "enable_ipv6", "enable_ipv4" -> {
                                if (n.bool(o.value()) != o.key().equals("enable_ipv4")) {
                                    throw new Skip("hostlet creates networks with Docker's defaults");
                                }
                            }
                            default -> throw new Skip("hostlet creates networks with Docker's defaults");
                        }
                    } catch (Skip s) {
                        dropped.add(new NotConverted(file, o.line(), path, s.getMessage()));
                    }
                }
            }
            String wanted = name != null ? name : external ? net.key() : project + "-" + net.key();
            String label = ComposeValues.toDnsLabel(wanted);
            if ((name != null || external) && !label.equals(wanted)) {
                dropped.add(new NotConverted(file, net.line(), key, "hostlet network names are DNS labels: written as "
                        + label));
            }
            if (label.isEmpty() || label.equals("bridge") || label.equals("host") || label.equals("none")) {
                dropped.add(new NotConverted(file, net.line(), key, "\"" + wanted + "\" is no name hostlet can give a"
                        + " network"));
                continue;
            }
            out.put(net.key(), label);
        }
        return out;
    }

    /** Compose volume key to Docker volume name: the volume compose used, so its data carries over. */
    private static Map<String, String> volumes(String file, Entry section, String project, ComposeNodes n,
                                               List<NotConverted> dropped) {
        Map<String, String> out = new LinkedHashMap<>();
        if (section == null || ComposeNodes.isNull(section.value())) {
            return out;
        }
        for (Entry vol : ComposeNodes.entries(section.value())) {
            String name = project + "_" + vol.key();
            boolean external = false;
            String explicit = null;
            if (!ComposeNodes.isNull(vol.value())) {
                for (Entry o : ComposeNodes.entries(vol.value())) {
                    String path = "volumes." + vol.key() + "." + o.key();
                    try {
                        switch (o.key()) {
                            case "name" -> explicit = n.required(o.value());
                            case "external" -> {
                                external = external(o.value(), n);
                                if (external && explicit == null) {
                                    explicit = externalName(o.value(), n);
                                }
                            }
                            case "driver" -> {
                                if (!n.required(o.value()).equals("local")) {
                                    throw new Skip("hostlet's named volumes use the local driver");
                                }
                            }
                            default -> throw new Skip("hostlet's named volumes are plain local volumes");
                        }
                    } catch (Skip s) {
                        dropped.add(new NotConverted(file, o.line(), path, s.getMessage()));
                    }
                }
            }
            out.put(vol.key(), explicit != null ? explicit : external ? vol.key() : name);
        }
        return out;
    }

    /** {@code external: true}, or the old {@code external: {name: N}} form (external, named N). */
    private static boolean external(Node v, ComposeNodes n) {
        return v instanceof MappingNode || n.bool(v);
    }

    /** The N of {@code external: {name: N}}; null for {@code external: true}. */
    private static String externalName(Node v, ComposeNodes n) {
        if (v instanceof MappingNode) {
            for (Entry e : ComposeNodes.entries(v)) {
                if (e.key().equals("name")) {
                    return n.required(e.value());
                }
            }
        }
        return null;
    }

    private static Map<String, String> secrets(Entry section, ComposeNodes n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (section == null || ComposeNodes.isNull(section.value())) {
            return out;
        }
        for (Entry s : ComposeNodes.entries(section.value())) {
            try {
                for (Entry o : ComposeNodes.entries(s.value())) {
                    if (o.key().equals("file")) {
                        out.put(s.key(), n.required(o.value()));
                    }
                }
            } catch (Skip e) {
                // the services using it report it as having no file
            }
        }
        return out;
    }

    /**
     * Reads {@code d} with hostlet's parser; takes out each field it refuses (reporting it at its compose line) until
     * it parses. Null when the manifest cannot be made valid (reported for the whole service).
     */
    private static ContainerManifest check(Draft d, String header, String file, List<NotConverted> dropped) {
        for (int round = 0; round < 100; round++) {
            String text = d.render(header);
            ParseResult r = ManifestParser.parse(d.name + ".yaml", text);
            if (r.ok()) {
                return r.manifests().get(0);
            }
            ManifestError first = r.errors().get(0);
            Draft.Item item = first.line() > 0 ? d.removeAt(text, first.line()) : null;
            if (item == null) {
                dropped.add(new NotConverted(file, d.line, "services." + d.service, "hostlet refuses it: "
                        + first.message()));
                return null;
            }
            dropped.add(new NotConverted(file, item.line(), item.key(), "hostlet refuses it: " + first.message()));
        }
        dropped.add(new NotConverted(file, d.line, "services." + d.service, "too many values hostlet refuses"));
        return null;
    }

    @SuppressWarnings("unchecked")
    private static void removeDependenciesOnDropped(Map<String, Draft> drafts, String file, List<NotConverted> dropped) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Draft d : new ArrayList<>(drafts.values())) {
                if (d.spec.get("dependsOn") instanceof List<?> deps) {
                    for (Object o : new ArrayList<>(deps)) {
                        Draft.Item item = (Draft.Item) o;
                        String target = (String) ((Map<String, Object>) item.value()).get("name");
                        if (!drafts.containsKey(target)) {
                            deps.remove(item);
                            dropped.add(new NotConverted(file, item.line(), item.key(), "the service it names is not"
                                    + " converted"));
                            changed = true;
                        }
                    }
                }
            }
        }
    }

    private static void policyNotice(String name, ContainerManifest m, List<String> notices) {
        Set<String> rules = new LinkedHashSet<>();
        for (Violation v : Policy.baseline().check(m)) {
            rules.add(v.rule().name());
        }
        if (!rules.isEmpty()) {
            notices.add(name + ".yaml: the default policy (baseline) refuses what it asks for ("
                    + String.join(", ", rules) + "); only hostlet's configuration can allow it: hostlet.policy.allow.\""
                    + name + "\"=" + String.join(",", rules));
        }
    }
}
