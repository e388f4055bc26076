package io.hostlet.desired.git;

import org.eclipse.jgit.transport.URIish;

import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Repository URLs as they may be shown: without user name or password. */
public final class Urls {

    private static final Pattern USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");

    private Urls() {
    }

    /** {@code https://user:token@host/repo.git} → {@code https://host/repo.git}; other forms unchanged but for userinfo. */
    public static String redact(String url) {
        try {
            URIish u = new URIish(url);
            if (u.getUser() == null && u.getPass() == null) {
                return url;
            }
            return u.setUser(null).setPass(null).toString();
        } catch (URISyntaxException e) {
            return redactAll(url);
        }
    }

    /** Removes the userinfo of every {@code scheme://userinfo@} in a text (an error message, say). */
    static String redactAll(String text) {
        return USERINFO.matcher(text).replaceAll("$1");
    }
}
