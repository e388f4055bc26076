package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Entry;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code volumes} (named, bind and tmpfs, short and long syntax) and {@code tmpfs}. Named volumes keep the
 * Docker volume compose used, so the data carries over; relative bind sources resolve against the compose file's
 * folder, and one that does not exist yet is a note (compose creates it, hostlet does not).
 */
final class MountFields extends ServiceFields {

    private static final Set<String> IGNORED_MODES = Set.of("rw", "cached", "delegated", "consistent");

    MountFields(ServiceDraft svc) {
        super(svc);
    }

    /** {@code volumes}: named, bind and tmpfs mounts. */
    void volumes(Node v, String path) {
        List<Node> items = ComposeNodes.items(v);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String key = path + "[" + i + "]";
            try {
                if (item instanceof MappingNode) {
                    longVolume(item, key);
                } else {
                    shortVolume(n.required(item), item, key);
                }
            } catch (Skip s) {
                drop(s.at == null ? item : s.at, key, s.getMessage());
            }
        }
    }

    private void shortVolume(String text, Node item, String key) {
        String[] parts = text.split(":", -1);
        if (parts.length == 1) {
            anonymous(text, false, item, key);
            return;
        }
        if (parts.length > 3) {
            throw new Skip("expected SOURCE:TARGET[:MODE], got \"" + text + "\"");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String mode : parts[2].split(",")) {
                if (mode.equals("ro")) {
                    readOnly = true;
                } else if (!IGNORED_MODES.contains(mode)) {
                    drop(item, key, "the mount option \"" + mode + "\": hostlet mounts read-write or read-only only;"
                            + " mounted without it");
                }
            }
        }
        mount(parts[0], parts[1], readOnly, null, item, key);
    }

    private void longVolume(Node item, String key) {
        String type = null;
        String source = null;
        String target = null;
        boolean readOnly = false;
        String size = null;
        for (Entry e : ComposeNodes.entries(item)) {
            switch (e.key()) {
                case "type" -> type = n.required(e.value());
                case "source" -> source = n.text(e.value());
                case "target" -> target = n.required(e.value());
                case "read_only" -> readOnly = n.bool(e.value());
                case "consistency" -> {
                    // a macOS file-sharing hint; no effect on a Linux engine
                }
                case "bind" -> {
                    for (Entry b : ComposeNodes.entries(e.value())) {
                        if (b.key().equals("create_host_path")) {
                            continue; // the notice for a missing host path says what matters
                        }
                        drop(b.keyNode(), key + ".bind." + b.key(), "hostlet bind mounts have no propagation or"
                                + " SELinux options");
                    }
                }
                case "volume" -> {
                    for (Entry b : ComposeNodes.entries(e.value())) {
                        drop(b.keyNode(), key + ".volume." + b.key(), "hostlet mounts a whole named volume, copying"
                                + " the image's files into it when it is new");
                    }
                }
                case "tmpfs" -> {
                    for (Entry b : ComposeNodes.entries(e.value())) {
                        if (b.key().equals("size")) {
                            size = ComposeValues.bytes(n.required(b.value()));
                        } else {
                            drop(b.keyNode(), key + ".tmpfs." + b.key(), "hostlet's tmpfs has a size only");
                        }
                    }
                }
                default -> drop(e.keyNode(), key + "." + e.key(), "unknown compose key");
            }
        }
        if (target == null) {
            throw new Skip(item, "no target");
        }
        if ("tmpfs".equals(type)) {
            tmpfsMount(target, size, key, ComposeNodes.line(item));
            return;
        }
        if (type != null && !type.equals("volume") && !type.equals("bind")) {
            throw new Skip(item, "hostlet mounts named volumes, host paths and tmpfs, not \"" + type + "\"");
        }
        if (source == null || source.isEmpty()) {
            if ("bind".equals(type)) {
                throw new Skip(item, "a bind mount without a source");
            }
            anonymous(target, readOnly, item, key);
            return;
        }
        mount(source, target, readOnly, type, item, key);
    }

    /**
     * An anonymous volume: compose gives it a random name and carries it to the next container of the service; hostlet
     * names it after the project, service and path, so every container of the manifest mounts the same data.
     */
    private void anonymous(String target, boolean readOnly, Node item, String key) {
        if (!target.startsWith("/")) {
            throw new Skip(item, "expected an absolute container path, got \"" + target + "\"");
        }
        String slug = target.replaceAll("[^a-zA-Z0-9_.-]+", "-").replaceAll("^-+|-+$", "");
        String name = p.name() + "_" + svc.service + (slug.isEmpty() ? "" : "_" + slug);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("mountPath", target);
        if (readOnly) {
            m.put("readOnly", true);
        }
        Draft.add(d.spec, "volumes", m, key, ComposeNodes.line(item));
        notices.add(d.name + ".yaml: the anonymous volume at " + target + " is the named volume " + name + ", so its"
                + " data survives a recreate (compose's own anonymous volume keeps a random name)");
    }

    private void mount(String source, String target, boolean readOnly, String type, Node item, String key) {
        boolean bind = type == null ? source.startsWith("/") || source.startsWith(".") || source.startsWith("~")
                : type.equals("bind");
        Map<String, Object> m = new LinkedHashMap<>();
        if (bind) {
            String host = hostPath(source);
            m.put("hostPath", host);
            if (!Files.exists(Path.of(host))) {
                notices.add(d.name + ".yaml: the bind-mount source " + host + " does not exist here: compose creates"
                        + " it, hostlet needs it made first (mkdir -p " + host + ")");
            }
        } else {
            m.put("name", p.volume(source));
        }
        m.put("mountPath", target);
        if (readOnly) {
            m.put("readOnly", true);
        }
        Draft.add(d.spec, "volumes", m, key, ComposeNodes.line(item));
    }

    private String hostPath(String source) {
        if (source.startsWith("~")) {
            if (p.home() == null) {
                throw new Skip("~ in a source needs HOME");
            }
            return Path.of(p.home() + source.substring(1)).normalize().toString();
        }
        return p.dir().resolve(source).toAbsolutePath().normalize().toString();
    }

    /** {@code tmpfs} to {@code tmpfs}. */
    void tmpfs(Node v, String path) {
        List<String> items = n.strings(v);
        for (String item : items) {
            int colon = item.indexOf(':');
            String mount = colon < 0 ? item : item.substring(0, colon);
            String size = null;
            if (colon >= 0) {
                for (String option : item.substring(colon + 1).split(",")) {
                    if (option.startsWith("size=")) {
                        size = ComposeValues.bytes(option.substring(5));
                    } else {
                        drop(v, path, "the tmpfs option \"" + option + "\": hostlet's tmpfs has a size only; mounted"
                                + " without it");
                    }
                }
            }
            tmpfsMount(mount, size, path, ComposeNodes.line(v));
        }
    }

    private void tmpfsMount(String mount, String size, String key, int line) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("mountPath", mount);
        if (size != null) {
            t.put("size", size);
        }
        Draft.add(d.spec, "tmpfs", t, key, line);
    }
}
