package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import io.hostlet.imports.ComposeNodes.Pair;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Environment and what a container takes from files: {@code environment} to {@code env}, {@code env_file} to
 * {@code envFrom} and {@code secrets} to {@code secrets}, each file named by its name in hostlet's secrets folder
 * with a note telling the user to copy it there (the import reads no secret).
 */
final class EnvFields extends ServiceFields {

    EnvFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code environment} (map or list) to {@code env}. */
    void environment(Node v, String path) {
        if (ComposeNodes.isNull(v)) {
            return;
        }
        boolean list = !(v instanceof MappingNode);
        List<Pair> pairs = ComposeNodes.pairs(v, "=");
        for (int i = 0; i < pairs.size(); i++) {
            Pair e = pairs.get(i);
            // the key path names the variable only in the map form: in the list form the item may hold a value
            String key = list ? path + "[" + i + "]" : path + "." + e.key();
            pairItem(e, key, () -> {
                String value = n.value(e);
                if (e.raw() == null) {
                    // compose passes the variable from the environment it runs in (.env included) and leaves it
                    // out when that has none; the import's environment stands in for it
                    value = n.variable(e.key());
                    if (value == null) {
                        return;
                    }
                }
                Map<String, Object> env = new LinkedHashMap<>();
                env.put("name", e.key());
                env.put("value", value);
                Draft.add(d.spec, "env", env, key, ComposeNodes.line(e.node()));
            });
        }
    }

    /** {@code env_file} to {@code envFrom}, with a note to copy each file into the secrets folder. */
    void envFiles(Node v, String path) {
        List<Node> items = v instanceof ScalarNode ? List.of(v) : ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = v instanceof ScalarNode ? path : path + "[" + i + "]";
            try {
                String file;
                if (item instanceof MappingNode) {
                    file = null;
                    for (Entry e : ComposeNodes.entries(item)) {
                        switch (e.key()) {
                            case "path" -> file = n.required(e.value());
                            case "required" -> {
                                if (!n.bool(e.value())) {
                                    drop(e.keyNode(), key + ".required", "hostlet holds a manifest whose env file is"
                                            + " missing (the running container stays as it is)");
                                }
                            }
                            default -> drop(e.keyNode(), key + "." + e.key(), "hostlet reads env files in dotenv format");
                        }
                    }
                    if (file == null) {
                        throw new Skip(item, "no path");
                    }
                } else {
                    file = n.required(item);
                }
                String name = Path.of(file).getFileName().toString();
                List<String> interpolated = interpolated(p.dir().resolve(file));
                if (!interpolated.isEmpty()) {
                    // compose resolves ${} in env files; hostlet passes the file as written (names only: no values)
                    drop(item, key, "compose interpolates ${} in this file and hostlet reads it as written: "
                            + String.join(", ", interpolated) + " would differ; write them under environment");
                }
                Map<String, Object> from = new LinkedHashMap<>();
                from.put("file", name);
                Draft.add(d.spec, "envFrom", from, key, ComposeNodes.line(item));
                notices.add(d.name + ".yaml: copy the env file " + file + " into hostlet's secrets folder"
                        + " (hostlet.secrets.dir) as " + name + ": envFrom reads it there, never from the manifests");
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    /** The names in the env file {@code file} whose values hold a variable; empty when it is unreadable or has none. */
    private static List<String> interpolated(Path file) {
        try {
            io.hostlet.manifest.Dotenv.Result r = io.hostlet.manifest.Dotenv.parse(
                    java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
            return r.values().stream().filter(v -> v.value().matches("(?s).*\\$(\\{|[A-Za-z_]).*"))
                    .map(io.hostlet.manifest.ContainerSpec.EnvVar::name).toList();
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // not beside the compose file: nothing to compare
        }
    }

    /** {@code secrets} with a top-level {@code file:} to {@code secrets}, with a note to copy each file. */
    void secrets(Node v, String path) {
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                String source;
                String target = null;
                if (item instanceof MappingNode) {
                    source = null;
                    for (Entry e : ComposeNodes.entries(item)) {
                        switch (e.key()) {
                            case "source" -> source = n.required(e.value());
                            case "target" -> target = n.required(e.value());
                            default -> drop(e.keyNode(), key + "." + e.key(), "hostlet mounts secrets read-only for"
                                    + " the container's user, mode 0400");
                        }
                    }
                    if (source == null) {
                        throw new Skip(item, "no source");
                    }
                } else {
                    source = n.required(item);
                }
                String file = p.secrets().get(source);
                if (file == null) {
                    throw new Skip("the secret \"" + source + "\" has no file: under secrets: (hostlet reads secrets"
                            + " from files in its secrets folder)");
                }
                String name = Path.of(file).getFileName().toString();
                String mount = target == null ? "/run/secrets/" + source
                        : target.startsWith("/") ? target : "/run/secrets/" + target;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("source", name);
                s.put("mountPath", mount);
                Draft.add(d.spec, "secrets", s, key, ComposeNodes.line(item));
                notices.add(d.name + ".yaml: copy the secret file " + file + " into hostlet's secrets folder"
                        + " (hostlet.secrets.dir) as " + name);
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }
}
