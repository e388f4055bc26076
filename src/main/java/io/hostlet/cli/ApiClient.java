package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The client side of hostlet's HTTP API ({@code /api/v1}), for the commands. Every failure becomes a
 * {@link CliException} a person can act on: the service not reachable (naming the server), a token needed or
 * refused, a name unknown.
 */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Generous for a busy host; streams (follow) have no timeout. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final URI server;
    private final Path tokenFile;
    private final HttpClient http;

    ApiClient(URI server, Path tokenFile) {
        this.server = server;
        this.tokenFile = tokenFile;
        // HTTP/1.1: no h2c upgrade dance with the server, and chunked streams behave as plain lines.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** The answer to a request: its status code and body (a string, or a stream the caller closes). */
    record Answer<T>(int code, T body) {}

    /**
     * {@code GET /api/v1<path>} as JSON. {@code notFound} words a 404 (null: the generic message).
     */
    JsonNode getJson(String path, String notFound) {
        String body = get(path, "application/json", new String[0], HttpResponse.BodyHandlers.ofString(), true, notFound, s -> s).body();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new CliException(server + " answered GET /api/v1" + path + " with something that is not JSON");
        }
    }

    /** {@code POST /api/v1<path>} without a body; any 2xx answer's body as JSON. */
    JsonNode postJson(String path, String notFound) {
        String body = send("POST", path, "application/json", new String[0], HttpResponse.BodyHandlers.ofString(), true,
                notFound, s -> s).body();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new CliException(server + " answered POST /api/v1" + path + " with something that is not JSON");
        }
    }

    /** {@code GET /api/v1<path>}'s body as text (JSON printed unchanged). */
    String getText(String path, String accept, String notFound) {
        return get(path, accept, new String[0], HttpResponse.BodyHandlers.ofString(), true, notFound, s -> s).body();
    }

    /** {@code GET /api/v1<path>} as a stream with no time limit (follow); the caller closes it. */
    InputStream stream(String path, String accept, String notFound, String... headers) {
        return get(path, accept, headers, HttpResponse.BodyHandlers.ofInputStream(), false, notFound, ApiClient::drain).body();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private <T> Answer<T> get(String path, String accept, String[] headers, HttpResponse.BodyHandler<T> handler, boolean bounded, String notFound,
                              Function<T, String> errorBody) {
        return send("GET", path, accept, headers, handler, bounded, notFound, errorBody);
    }

    private <T> Answer<T> send(String method, String path, String accept, String[] headers,
                               HttpResponse.BodyHandler<T> handler, boolean bounded, String notFound,
                               Function<T, String> errorBody) {
        URI uri = URI.create(server + "/api/v1" + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).header("Accept", accept)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            req.headers(headers);
        }
        if (bounded) {
            req.timeout(REQUEST_TIMEOUT);
        }
        String token = token();
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<T> response;
        try {
            response = http.send(req.build(), handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException("cannot reach the hostlet service at " + server + " (is it running? set --server or HOSTLET_SERVER)");
        } catch (HttpTimeoutException e) {
            throw new CliException("the hostlet service at " + server + " did not answer " + method + " /api/v1" + path
                    + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new CliException("cannot reach the hostlet service at " + server + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        int code = response.statusCode();
        if (code == 200 || "POST".equals(method) && code / 100 == 2) {
            return new Answer<>(code, response.body());
        }
        String detail = errorText(errorBody.apply(response.body()));
        if (code == 401) {
            throw new CliException(tokenFile == null
                    ? "the hostlet service at " + server + " needs a token: pass --token-file FILE or set HOSTLET_TOKEN_FILE"
                    : "the hostlet service at " + server + " refused the token in " + tokenFile);
        }
        if (code == 404 && notFound != null) {
            throw new CliException(notFound);
        }
        throw new CliException(server + " answered " + method + " /api/v1" + path + " with " + code + (detail.isEmpty() ? "" : ": " + detail));
    }

    private String token() {
        if (tokenFile == null) {
            return null;
        }
        try {
            String t = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            if (t.isEmpty()) {
                throw new CliException("token file " + tokenFile + " is empty");
            }
            return t;
        } catch (IOException e) {
            throw new CliException("cannot read token file " + tokenFile + ": " + e.getMessage());
        }
    }

    /** The server's {@code {"error": ...}} or the first line of a text body, shortened. */
    private static String errorText(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("error")) {
                return Text.printable(n.get("error").asText());
            }
        } catch (IOException e) {
            // not JSON: the text itself
        }
        String first = body.strip().lines().findFirst().orElse("");
        return Text.printable(first.length() > 200 ? first.substring(0, 200) + "..." : first);
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
