package io.hostlet.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the service is and how to authenticate, shared by every client command. An option wins over its
 * environment variable, which wins over the default.
 */
final class ServerOptions {

    static final String DEFAULT_SERVER = "http://127.0.0.1:8799";

    @Option(names = "--server", paramLabel = "URL",
            description = "the hostlet service (env HOSTLET_SERVER; default " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "a file holding the API token, sent as a Bearer token (env HOSTLET_TOKEN_FILE)")
    Path tokenFile;

    /** A client for the options given, with {@code ctx}'s environment as the fallback. */
    ApiClient client(CliContext ctx) {
        String url = server != null ? server : ctx.env().getOrDefault("HOSTLET_SERVER", DEFAULT_SERVER);
        Path token = tokenFile != null ? tokenFile
                : ctx.env().containsKey("HOSTLET_TOKEN_FILE") ? Path.of(ctx.env().get("HOSTLET_TOKEN_FILE")) : null;
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliException("--server " + url + " is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new CliException("--server " + url + " is not an http:// or https:// URL");
        }
        return new ApiClient(uri, token);
    }
}
