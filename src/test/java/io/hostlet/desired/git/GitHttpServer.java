package io.hostlet.desired.git;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Git's smart HTTP protocol on 127.0.0.1 behind basic authentication: the JDK's HTTP server runs the real
 * {@code git http-backend} as a CGI program for each request, serving the repositories under a folder.
 * (JGit's own GitServlet is not available from the registry here.)
 */
final class GitHttpServer implements AutoCloseable {

    private final Path projectRoot;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "git-http");
        t.setDaemon(true);
        return t;
    });

    GitHttpServer(Path projectRoot, String user, String password) throws IOException {
        this.projectRoot = projectRoot;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/git/", this::handle).setAuthenticator(new BasicAuthenticator("git") {
            @Override
            public boolean checkCredentials(String u, String p) {
                return user.equals(u) && password.equals(p);
            }
        });
        server.setExecutor(pool);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>/git/<repo>}. */
    String url(String repo) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/git/" + repo;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
            Map<String, String> env = pb.environment();
            env.put("GIT_PROJECT_ROOT", projectRoot.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("REQUEST_METHOD", ex.getRequestMethod());
            env.put("PATH_INFO", ex.getRequestURI().getRawPath().substring("/git".length()));
            env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
            env.put("REMOTE_USER", ex.getPrincipal() == null ? "" : ex.getPrincipal().getUsername());
            env.put("REMOTE_ADDR", "127.0.0.1");
            header(ex, "Content-Type").ifPresent(v -> env.put("CONTENT_TYPE", v));
            header(ex, "Content-Encoding").ifPresent(v -> env.put("HTTP_CONTENT_ENCODING", v));
            header(ex, "Git-Protocol").ifPresent(v -> env.put("GIT_PROTOCOL", v));
            Process p = pb.start();
            pool.submit(() -> {
                try (InputStream in = ex.getRequestBody(); OutputStream stdin = p.getOutputStream()) {
                    in.transferTo(stdin);
                }
                return null;
            });
            pool.submit(() -> {
                p.getErrorStream().transferTo(OutputStream.nullOutputStream());
                return null;
            });
            InputStream out = p.getInputStream();
            int status = 200;
            for (String line = readLine(out); line != null && !line.isEmpty(); line = readLine(out)) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ")[0]);
                } else {
                    ex.getResponseHeaders().add(name, value);
                }
            }
            ex.sendResponseHeaders(status, 0);
            try (OutputStream body = ex.getResponseBody()) {
                out.transferTo(body);
            }
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.Optional<String> header(HttpExchange ex, String name) {
        return java.util.Optional.ofNullable(ex.getRequestHeaders().getFirst(name));
    }

    /** One CGI header line, without its CR LF or LF; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
