package io.hostlet.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a bind mount's host path one component at a time under a root, the way kubelet's subPath fix does
 * (CVE-2017-1002101): each component is looked at without following it ({@link HostPaths#kind}, an {@code lstat}); a
 * symlink's target is walked in its turn, and one that leads out of the root (absolute or by {@code ..}) is refused
 * instead of followed. The result names no symlink, so the engine, given it, mounts what was checked.
 *
 * <p>Written here rather than taken from a library: Java has no maintained "secure join" (Go's
 * {@code filepath-securejoin} and kubelet's {@code safe_join} have no Java port), and {@code Path.toRealPath} follows
 * links wherever they go, which is the hole this closes.
 */
public final class BindResolver {

    /** Linux's own bound on links in one lookup (ELOOP after 40). */
    static final int MAX_LINKS = 40;

    private final HostPaths fs;

    public BindResolver(HostPaths fs) {
        this.fs = fs;
    }

    /**
     * Where a walk ended: the resolved path, or why it was refused (then {@code path} is where it stopped).
     *
     * @param missing whether the path does not exist (yet) from some component on
     */
    public record Walk(String path, String refusal, boolean missing) {
        /** Whether the walk reached its end without leaving the root. */
        public boolean ok() {
            return refusal == null;
        }
    }

    /** {@code path} (absolute) with every link resolved wherever it leads: the trusted form, for configured paths. */
    public String real(String path) {
        Walk w = under("/", "/", path);
        return w.path();
    }

    /**
     * Resolves {@code path}, which lies under {@code root} as written, inside {@code realRoot} (that root with its own
     * links resolved: configured, so trusted).
     */
    public Walk under(String root, String realRoot, String path) {
        String p = normalize(path);
        String rest = root.equals("/") ? p : p.equals(root) ? "" : p.substring(root.length());
        Deque<String> todo = new ArrayDeque<>(components(rest));
        String cur = realRoot;
        int links = 0;
        boolean missing = false;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (cur.equals(realRoot)) {
                    return new Walk(cur, "leads above " + root, missing);
                }
                cur = parent(cur);
                continue;
            }
            String next = join(cur, c);
            if (missing) {
                cur = next;
                continue;
            }
            HostPaths.Kind kind = fs.kind(next);
            switch (kind) {
                case MISSING, FILE, SPECIAL -> {
                    // Nothing below a missing component or a file can be a link yet; the engine refuses what is missing.
                    missing = kind == HostPaths.Kind.MISSING || !todo.isEmpty();
                    cur = next;
                }
                case DIRECTORY -> cur = next;
                case UNREADABLE -> {
                    return new Walk(next, next + " cannot be read, so it cannot be checked", missing);
                }
                case LINK -> {
                    if (++links > MAX_LINKS) {
                        return new Walk(next, "more than " + MAX_LINKS + " symlinks", missing);
                    }
                    String target = fs.link(next);
                    if (target == null) {
                        return new Walk(next, "the symlink " + next + " cannot be read", missing);
                    }
                    List<String> more;
                    if (target.startsWith("/")) {
                        String t = normalize(target);
                        String inside = within(t, realRoot);
                        if (inside == null && !realRoot.equals(root)) {
                            inside = within(t, root);
                        }
                        if (inside == null) {
                            return new Walk(next, "the symlink " + next + " leads out of " + root + " (to " + target + ")",
                                    missing);
                        }
                        cur = realRoot;
                        more = components(inside);
                    } else {
                        more = components(target);
                    }
                    for (int i = more.size() - 1; i >= 0; i--) {
                        todo.addFirst(more.get(i));
                    }
                }
            }
        }
        return new Walk(cur, null, missing);
    }

    /** {@code path} relative to {@code root} (leading slash kept) when it is {@code root} or lies under it; else null. */
    private static String within(String path, String root) {
        if (root.equals("/")) {
            return path;
        }
        if (path.equals(root)) {
            return "";
        }
        return path.startsWith(root + "/") ? path.substring(root.length()) : null;
    }

    /** {@code path} made absolute-looking and without {@code .}, {@code ..} or double slashes (lexically). */
    static String normalize(String path) {
        Deque<String> out = new ArrayDeque<>();
        for (String c : components(path)) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(c);
            }
        }
        return "/" + String.join("/", out);
    }

    /** Whether {@code path} is {@code dir} or lies under it (both normalised). */
    static boolean isUnder(String path, String dir) {
        return path.equals(dir) || dir.equals("/") || path.startsWith(dir + "/");
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    private static String join(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }
}
