package io.hostlet.api;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pure part of the API's defence against web pages: which {@code Host} names hostlet serves, and which requests
 * a browser sent on behalf of another site. {@link HostOriginFilter} applies it to every request, before routing.
 *
 * <p><b>Host.</b> A page on {@code evil.example} whose name is made to resolve to 127.0.0.1 (DNS rebinding) talks to
 * hostlet as a same-origin page, reading whatever it serves. Its requests carry {@code Host: evil.example}, so hostlet
 * answers only names it serves: the loopback names ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}), the address
 * it listens on when that is a single address, and the names configured in {@code hostlet.api.allowed-hosts}, with
 * any port. This is {@code kubectl proxy}'s {@code --accept-hosts} default.
 *
 * <p><b>Origin.</b> A page on another origin cannot read hostlet's answers (no CORS headers), but it can still send a
 * "simple" POST ({@code text/plain}, no preflight) and have it acted on. A request that changes something (any
 * method but GET, HEAD and OPTIONS) is refused when the browser says it comes from another site: a
 * {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}, or, from browsers that do not send that
 * header, an {@code Origin} whose host and port differ from the request's {@code Host}. A request with neither header
 * is not from a browser (curl, the CLI, a git forge's webhook) and passes. This is the rule of Go's
 * {@code net/http.CrossOriginProtection}; it needs no token, cookie or configuration.
 */
public final class RequestGuard {

    /** The names every hostlet answers to. */
    static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> hosts;

    /** What the guard decided, with the reason told to the refused client. */
    public record Verdict(boolean allowed, String reason) {
        static final Verdict ALLOWED = new Verdict(true, null);

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }

    /**
     * @param extraHosts the configured host names or addresses served besides the loopback ones (a port, if written,
     *                   is ignored; an IPv6 address with or without brackets); case does not matter
     */
    public RequestGuard(Collection<String> extraHosts) {
        Set<String> s = new TreeSet<>(LOOPBACK);
        for (String h : extraHosts) {
            String n = normal(h);
            if (n.isEmpty()) {
                continue;
            }
            if (n.contains(":") && !n.startsWith("[") && n.indexOf(':') != n.lastIndexOf(':')) {
                n = "[" + n + "]"; // an IPv6 address without brackets
            }
            String name = hostName(n); // a port written after the name matches any port, like none
            if (name != null) {
                s.add(name);
            }
        }
        this.hosts = Set.copyOf(s);
    }

    /** The names served, loopback included, lower case, IPv6 addresses in brackets. */
    public Set<String> hosts() {
        return hosts;
    }

    /**
     * @param method       the request's method
     * @param host         the {@code Host} header (or HTTP/2 authority), null when absent
     * @param origin       the {@code Origin} header, null when absent
     * @param secFetchSite the {@code Sec-Fetch-Site} header, null when absent
     */
    public Verdict check(String method, String host, String origin, String secFetchSite) {
        if (host == null || host.isBlank()) {
            return Verdict.refused("a Host header is required");
        }
        String name = hostName(host);
        if (name == null || !hosts.contains(name)) {
            return Verdict.refused("hostlet does not serve the host name in this request's Host header"
                    + " (add it to hostlet.api.allowed-hosts to serve it)");
        }
        if (isSafe(method)) {
            return Verdict.ALLOWED;
        }
        if (secFetchSite != null) {
            String site = secFetchSite.strip().toLowerCase(Locale.ROOT);
            // the value is not echoed: it is the caller's text, and the reason goes into a JSON answer and the log
            return site.equals("same-origin") || site.equals("none") ? Verdict.ALLOWED
                    : Verdict.refused("a cross-origin request may not change anything (Sec-Fetch-Site is not same-origin)");
        }
        if (origin == null) {
            return Verdict.ALLOWED; // not sent by a browser
        }
        String originAuthority = authority(origin);
        if (originAuthority != null && originAuthority.equals(normal(host))) {
            return Verdict.ALLOWED;
        }
        return Verdict.refused("a cross-origin request may not change anything (its Origin is not this server)");
    }

    private static boolean isSafe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    /** The name part of a Host value ({@code name}, {@code name:port}, {@code [v6]}, {@code [v6]:port}); null if malformed. */
    static String hostName(String host) {
        String h = normal(host);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0 || (close + 1 < h.length() && !validPort(h.substring(close + 1)))) {
                return null;
            }
            return h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        if (colon < 0) {
            return h;
        }
        return validPort(h.substring(colon)) && colon > 0 ? h.substring(0, colon) : null;
    }

    private static boolean validPort(String colonAndPort) {
        return colonAndPort.length() > 1 && colonAndPort.length() <= 6 && colonAndPort.charAt(0) == ':'
                && colonAndPort.substring(1).chars().allMatch(Character::isDigit);
    }

    /** {@code host[:port]} of an Origin, lower case, as the browser wrote it; null for {@code null} or a malformed one. */
    static String authority(String origin) {
        try {
            URI u = URI.create(origin.strip());
            return u.getRawAuthority() == null ? null : u.getRawAuthority().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String normal(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }
}
