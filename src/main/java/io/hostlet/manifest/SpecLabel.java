package io.hostlet.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code io.hostlet.spec} label: the canonical spec ({@link SpecHash#fields}) with every value that may be a secret
 * replaced by a keyed digest ({@link LabelKey}), so that a recreate can say "spec changed: env TOKEN" and no label shows
 * a value. Labels are not private: {@code docker ps --format '{{.Labels}}'} prints them, every {@code docker events}
 * entry carries them, cAdvisor exports them as Prometheus labels.
 *
 * <p>Digested: each env value (per variable, so a change names the variable), {@code command} and {@code args} (each
 * as a whole list: a {@code --password=...} argument is as secret as an env value, and a person gains little from
 * knowing which argument changed), a health check's {@code exec} command (same reason) and {@code logging} (a driver's
 * options may hold a token), and the content digests of {@code envValueFrom}, {@code envFrom}, {@code files} and
 * {@code secrets} (each list as a whole: a plain SHA-256 of a short password can be guessed). Kept as they are: the image,
 * ports, volumes, networks, restart policy, resources, user, working dir and the user's labels, which are not secrets
 * and are shown by {@code docker inspect} or as labels anyway.
 *
 * <p>The form: {@code {"#":"<key id>","args":"<digest>","env":{"TOKEN":"<digest>"},"image":"busybox:1",...}}. The
 * {@code #} entry names the key (see {@link LabelKey#id}). A label without it is the plain form older hostlets wrote;
 * it is still read, and such a container keeps it until it is recreated (a label cannot change without a recreate).
 * The label is only ever shown as a cause; the spec hash, which decides recreates, is not affected.
 */
public final class SpecLabel {

    /** The entry naming the key; sorts before every field. */
    static final String KEY_ID = "#";
    private static final Set<String> DIGESTED = Set.of("env", "command", "args", "healthcheck", "logging",
            "envValueFrom", "envFrom", "files", "secrets");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecLabel() {
    }

    /** The label for {@code m}, digests keyed with {@code key}. */
    public static String write(ContainerManifest m, LabelKey key) {
        return SpecHash.json(redacted(m, key));
    }

    /** {@link SpecHash#fields} with secrets digested, and the key's id. */
    static Map<String, Object> redacted(ContainerManifest m, LabelKey key) {
        Map<String, Object> f = new TreeMap<>(SpecHash.fields(m));
        f.put(KEY_ID, key.id());
        if (!m.spec().env().isEmpty()) {
            Map<String, Object> env = new TreeMap<>();
            m.spec().env().forEach(e -> env.put(e.name(), key.digest("env." + e.name(), e.value())));
            f.put("env", env);
        }
        // A content digest is no secret by itself, but a short password's SHA-256 can be guessed offline: key it too.
        for (String list : List.of("command", "args", "envValueFrom", "envFrom", "files", "secrets")) {
            if (f.get(list) instanceof List<?> l) {
                f.put(list, key.digest(list, SpecHash.json(l)));
            }
        }
        if (f.get("logging") != null) {
            // a log driver's options may hold a token (splunk-token) or a URL with a password (loki-url)
            f.put("logging", key.digest("logging", SpecHash.json(f.get("logging"))));
        }
        if (f.get("healthcheck") instanceof Map<?, ?> h && h.get("exec") instanceof List<?> exec) {
            Map<String, Object> hc = new TreeMap<>();
            h.forEach((k, v) -> hc.put((String) k, v));
            hc.put("exec", key.digest("healthcheck.exec", SpecHash.json(exec)));
            f.put("healthcheck", hc);
        }
        return f;
    }

    /**
     * What differs between {@code m} and the container whose label is {@code label}, in words without values, sorted:
     * a field name ({@code image}), or {@code env NAME} per variable added, removed or changed. {@code ["unknown"]} when
     * the label is missing or unreadable. Reads both this form and the plain form of older hostlets. When the label was
     * written with another key (the state folder was lost), digested fields cannot be compared and say so.
     */
    public static List<String> changes(ContainerManifest m, String label, LabelKey key) {
        Map<String, Object> before = parse(label);
        if (before == null) {
            return List.of("unknown");
        }
        boolean keyed = before.containsKey(KEY_ID);
        boolean sameKey = keyed && key.id().equals(before.get(KEY_ID));
        Map<String, Object> now = keyed ? redacted(m, key) : new TreeMap<>(SpecHash.fields(m));
        TreeSet<String> fields = new TreeSet<>(now.keySet());
        fields.addAll(before.keySet());
        fields.remove(KEY_ID);
        List<String> changed = new ArrayList<>();
        for (String f : fields) {
            Object was = before.get(f);
            Object is = now.get(f);
            if (keyed && !sameKey && DIGESTED.contains(f) && was != null && is != null) {
                changed.add(f + " (not comparable: the label was written with another label key)");
            } else if (f.equals("env")) {
                Map<String, Object> a = env(was);
                Map<String, Object> b = env(is);
                TreeSet<String> names = new TreeSet<>(a.keySet());
                names.addAll(b.keySet());
                names.stream().filter(n -> !Objects.equals(a.get(n), b.get(n))).forEach(n -> changed.add("env " + n));
            } else if (!Objects.equals(was, is)) {
                changed.add(f);
            }
        }
        return changed;
    }

    /** The variables of an env entry, name → value or digest: a list of {@code NAME=value} (plain) or a map. */
    private static Map<String, Object> env(Object entry) {
        Map<String, Object> out = new TreeMap<>();
        if (entry instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
        } else if (entry instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return out;
    }

    private static Map<String, Object> parse(String label) {
        if (label == null) {
            return null;
        }
        try {
            return JSON.readValue(label, new TypeReference<TreeMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
