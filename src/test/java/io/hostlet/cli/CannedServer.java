package io.hostlet.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK HTTP server on a free loopback port answering fixed bodies by request path (query included), and
 * recording each request's path and headers, for the client commands' tests.
 */
final class CannedServer implements AutoCloseable {

    /** One canned answer. */
    record Answer(int code, String contentType, String body) {}

    /** A request as the server saw it. */
    record Request(String pathAndQuery, Map<String, List<String>> headers, String method) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    CannedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    CannedServer json(String pathAndQuery, String body) {
        return answer(pathAndQuery, 200, "application/json", body);
    }

    CannedServer answer(String pathAndQuery, int code, String contentType, String body) {
        answers.put(pathAndQuery, new Answer(code, contentType, body));
        return this;
    }

    private void handle(HttpExchange x) throws IOException {
        String key = x.getRequestURI().getRawPath() + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery());
        requests.add(new Request(key, Map.copyOf(x.getRequestHeaders()), x.getRequestMethod()));
        Answer a = answers.getOrDefault(key, new Answer(404, "application/json", "{\"error\":\"not found: " + key + "\"}"));
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", a.contentType());
        x.sendResponseHeaders(a.code(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
