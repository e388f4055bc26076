package io.hostlet.manifest;

/**
 * Image references in the engine's "familiar" form, the form its image list uses: Docker Hub's {@code docker.io/}
 * and {@code library/} dropped, {@code :latest} added when there is neither tag nor digest, and a tag dropped when a
 * digest pins the reference. Two references name the same local image exactly when their familiar forms are equal.
 */
public final class ImageRefs {

    private ImageRefs() {
    }

    /** {@code docker.io/library/busybox} → {@code busybox:latest}; {@code reg:5000/a:1} stays as it is. */
    public static String familiar(String reference) {
        String name = reference;
        String digest = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at + 1);
            name = name.substring(0, at);
        }
        String tag = null;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        for (String hub : new String[] {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
            if (name.startsWith(hub)) {
                name = name.substring(hub.length());
                if (name.startsWith("library/") && name.indexOf('/', "library/".length()) < 0) {
                    name = name.substring("library/".length());
                }
                break;
            }
        }
        if (digest != null) {
            return name + "@" + digest;
        }
        return name + ":" + (tag == null ? "latest" : tag);
    }
}
