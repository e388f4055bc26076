package io.hostlet.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostlet.config.HostletConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts the events of the chosen kinds to {@code hostlet.notify.url}, one at a time, on a daemon thread of its own.
 * The loop only offers an event to a bounded queue: when the queue is full the event is dropped and counted, never
 * waited for. Each post may take {@code hostlet.notify.timeout} and is tried once more on failure (an error or a
 * non-2xx answer); then it is logged and given up. The token ({@code hostlet.notify.token-file}, read per post so it
 * can be rotated) and the URL's path, query and credentials are never logged.
 */
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    private final EventLog log;
    private final HostletConfig.Notify config;
    private final ObjectMapper json;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private BlockingQueue<Event> queue;
    private Thread thread;
    private Runnable unsubscribe;

    public Notifier(EventLog log, HostletConfig config, ObjectMapper json) {
        this.log = log;
        this.config = config.notifications();
        this.json = json;
    }

    /** With a URL set: checks the settings (a wrong one stops hostlet at start), subscribes and starts posting. */
    void onStart(@Observes StartupEvent ev) {
        Optional<String> url = config.url().filter(u -> !u.isBlank());
        if (url.isEmpty()) {
            return;
        }
        URI target = URI.create(url.get().trim());
        if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())) {
            throw new IllegalArgumentException("hostlet.notify.url must be an http or https URL");
        }
        NotifyFormat format = NotifyFormat.of(config.format());
        Set<EventKind> kinds = kinds(config.kinds());
        queue = new ArrayBlockingQueue<>(Math.max(1, config.queue()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        thread = new Thread(() -> run(http, target, format), "hostlet-notify");
        thread.setDaemon(true);
        thread.start();
        unsubscribe = log.subscribe(e -> {
            if (kinds.contains(e.kind())) {
                offer(e);
            }
        });
        LOG.infof("notifying %s of %s as %s", redacted(target), kinds, format.name().toLowerCase());
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (unsubscribe != null) {
            unsubscribe.run();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The kinds named in {@code names} ({@code update} means {@code recreated}, {@code all} every kind). */
    static Set<EventKind> kinds(List<String> names) {
        Set<EventKind> out = EnumSet.noneOf(EventKind.class);
        for (String n : names) {
            String s = n.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (s.equalsIgnoreCase("all")) {
                return EnumSet.allOf(EventKind.class);
            }
            if (s.equalsIgnoreCase("update")) {
                out.add(EventKind.RECREATED);
                continue;
            }
            out.add(EventKind.of(s).orElseThrow(() -> new IllegalArgumentException(
                    "hostlet.notify.kinds: unknown event kind '" + s + "'")));
        }
        return out;
    }

    private void offer(Event e) {
        if (!queue.offer(e)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.warnf("notification queue full: %d notification(s) dropped so far (the receiver is slow or down)",
                        n);
            }
        }
    }

    private void run(HttpClient http, URI target, NotifyFormat format) {
        while (!Thread.currentThread().isInterrupted()) {
            Event e;
            try {
                e = queue.take();
            } catch (InterruptedException ex) {
                return;
            }
            String problem = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                problem = post(http, target, format, e);
                if (problem == null) {
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            if (problem == null) {
                sent.incrementAndGet();
            } else {
                failed.incrementAndGet();
                LOG.warnf("notification of event %d (%s) to %s failed twice: %s", e.seq(), e.kind().wire(),
                        redacted(target), problem);
            }
        }
    }

    /** Posts {@code e}; null when the receiver took it, else why not (without the URL or the token). */
    private String post(HttpClient http, URI target, NotifyFormat format, Event e) {
        NotifyFormat.Payload p = format.render(e, json);
        HttpRequest.Builder req = HttpRequest.newBuilder(target).timeout(config.timeout())
                .header("Content-Type", p.contentType())
                .POST(HttpRequest.BodyPublishers.ofString(p.body(), StandardCharsets.UTF_8));
        p.headers().forEach(req::header);
        try {
            token().ifPresent(t -> req.header("Authorization", "Bearer " + t));
            HttpResponse<Void> r = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode();
        } catch (IOException | RuntimeException ex) {
            return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private Optional<String> token() throws IOException {
        Optional<Path> f = config.tokenFile();
        if (f.isEmpty()) {
            return Optional.empty();
        }
        String t = Files.readString(f.get(), StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) {
            throw new IOException("hostlet.notify.token-file is empty");
        }
        return Optional.of(t);
    }

    /** scheme://host:port only: a webhook URL's path or query is often its secret. */
    static String redacted(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + "/...";
    }

    /** Notifications posted. */
    public long sent() {
        return sent.get();
    }

    /** Notifications given up after the retry. */
    public long failed() {
        return failed.get();
    }

    /** Notifications dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }
}
