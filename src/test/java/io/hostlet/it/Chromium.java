package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven through the DevTools protocol over a WebSocket, so a
 * test can load a page, let its scripts run (fetches, an EventSource that never ends), read the DOM as rendered, see the
 * statuses of the responses it received and take a screenshot. {@code --dump-dom} decides on its own when the page is done (a virtual-time budget that pending
 * fetches hold back), which a page holding a Server-Sent Events stream open makes unreliable, and it cannot wait for
 * a condition; here the test reads the DOM as often as it needs. One browser, one tab; {@link #close} ends the process
 * it started.
 */
final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final java.util.List<String> responses = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The chromium binary on PATH, if any. */
    static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(":")).flatMap(d -> Stream.of(Path.of(d, "chromium"), Path.of(d, "chromium-browser")))
                .filter(Files::isExecutable).findFirst();
    }

    /** Starts headless Chromium with a fresh profile and a window of {@code width} x {@code height}. */
    static Chromium start(Path binary, int width, int height) throws IOException, InterruptedException {
        return start(binary, width, height, java.util.List.of());
    }

    /**
     * As {@link #start(Path, int, int)}, with more command-line switches, e.g. {@code --host-resolver-rules=MAP
     * evil.test 127.0.0.1} to make a name resolve to loopback (what DNS rebinding does).
     */
    static Chromium start(Path binary, int width, int height, java.util.List<String> switches)
            throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("hostlet-chromium-");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(binary.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height));
        cmd.addAll(switches);
        cmd.add("about:blank");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String browserWs = awaitDevToolsUrl(p);
            URI browser = URI.create(browserWs);
            HttpClient http = HttpClient.newHttpClient();
            // The tab that about:blank opened: its own WebSocket accepts Page and Runtime commands directly.
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String pageWs = null;
            for (JsonNode t : targets) {
                if ("page".equals(t.path("type").asText())) {
                    pageWs = t.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageWs == null) {
                throw new IllegalStateException("chromium opened no page: " + targets);
            }
            return new Chromium(p, profile, http, URI.create(pageWs));
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Chromium prints the browser's DevTools address on stderr once it listens. */
    private static String awaitDevToolsUrl(Process p) throws IOException {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                    // keep draining, so a chatty browser never blocks on a full pipe
                }
                url.completeExceptionally(new IllegalStateException("chromium exited before listening"));
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return url.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("chromium did not open its DevTools port", e);
        }
    }

    private Chromium(Process process, Path profile, HttpClient http, URI pageWs) {
        this.process = process;
        this.profile = profile;
        this.socket = http.newWebSocketBuilder().buildAsync(pageWs, new Listener()).join();
    }

    /** Opens {@code url} in the tab (returns once navigation started; the page's scripts then run on their own). */
    void navigate(String url) {
        ObjectNode params = JSON.createObjectNode().put("url", url);
        JsonNode r = call("Page.navigate", params);
        if (r.hasNonNull("errorText")) {
            throw new IllegalStateException("navigation to " + url + " failed: " + r.path("errorText").asText());
        }
    }

    /** Evaluates {@code expression} in the page and returns its value (JSON-serialisable results only). */
    JsonNode evaluate(String expression) {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
        JsonNode r = call("Runtime.evaluate", params);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + r.path("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Evaluates {@code expression}, a promise, in the page and returns what it resolves to (JSON-serialisable). */
    JsonNode await(String expression) {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", params);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + r.path("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /**
     * From now on, records the HTTP status of every response the tab receives, by URL: what the server answered even
     * where the page itself may not see it (an opaque {@code no-cors} response, one that CORS keeps from the page).
     */
    void recordResponses() {
        call("Network.enable", JSON.createObjectNode());
    }

    /** The statuses recorded since {@link #recordResponses}, in order of arrival, each as {@code "<status> <url>"}. */
    java.util.List<String> responses() {
        return java.util.List.copyOf(responses);
    }

    /** The document as the browser holds it now: what the page's scripts made of it. */
    String dom() {
        return evaluate("document.documentElement.outerHTML").asText();
    }

    /** A PNG of the viewport, written to {@code file}. */
    void screenshot(Path file) throws IOException {
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
    }

    private JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        try {
            socket.sendText(JSON.writeValueAsString(msg), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.path("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw new IllegalStateException(method + " got no answer from chromium", e);
        } finally {
            pending.remove(id);
        }
    }

    /** Collects (possibly fragmented) text frames and completes the call each reply answers; events are ignored. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode msg = JSON.readTree(text);
                    if ("Network.responseReceived".equals(msg.path("method").asText())) {
                        JsonNode response = msg.path("params").path("response");
                        responses.add(response.path("status").asInt() + " " + response.path("url").asText());
                    }
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = pending.get(msg.path("id").asInt());
                        if (f != null) {
                            f.complete(msg);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // a temp folder left behind is harmless; Chromium's helper processes may still be writing into it
                // while the walk runs (the walk's stream reports a vanished file as an unchecked exception)
            }
        }
    }
}
