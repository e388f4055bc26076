package io.hostlet.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One folder under which manifests may bind host paths ({@code hostlet.policy.host-paths}), after PodSecurityPolicy's
 * {@code allowedHostPaths}: a prefix, and whether binds under it must be read-only.
 *
 * @param path     absolute and normalised, as configured
 * @param readOnly whether a bind under it must say {@code readOnly: true}
 */
public record HostRoot(String path, boolean readOnly) {

    /**
     * The default, {@code /srv}: the Filesystem Hierarchy Standard's folder for "data served by this system", where
     * no distribution puts anything of its own, and where the shipped examples bind from.
     */
    public static final List<HostRoot> DEFAULT = List.of(new HostRoot("/srv", false));

    /**
     * {@code hostlet.policy.host-paths} entries: {@code /srv}, {@code /data:ro}; {@code none} alone allows no bind.
     *
     * @throws IllegalArgumentException naming the setting, for a relative path or an unknown flag
     */
    public static List<HostRoot> parse(List<String> entries) {
        List<HostRoot> out = new ArrayList<>();
        for (String raw : entries) {
            String e = raw.trim();
            if (e.isEmpty() || e.equals("none")) {
                continue;
            }
            boolean ro = false;
            int colon = e.lastIndexOf(':');
            if (colon > 0) {
                String flag = e.substring(colon + 1);
                if (!flag.equals("ro") && !flag.equals("rw")) {
                    throw new IllegalArgumentException("hostlet.policy.host-paths: unknown flag \"" + flag + "\" in \"" + e
                            + "\" (known: ro, rw)");
                }
                ro = flag.equals("ro");
                e = e.substring(0, colon);
            }
            if (!e.startsWith("/")) {
                throw new IllegalArgumentException("hostlet.policy.host-paths: \"" + e + "\" is not an absolute path");
            }
            out.add(new HostRoot(BindResolver.normalize(e), ro));
        }
        return List.copyOf(out);
    }

    /** As configured: {@code /data:ro}. */
    @Override
    public String toString() {
        return path + (readOnly ? ":ro" : "");
    }
}
