package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code hostlet events [NAME] [-f]}: what hostlet did and saw, oldest first, one line each. With {@code -f} it then
 * follows the server-sent event stream, resuming after the last event printed.
 */
@Command(name = "events", description = "Show recent events, optionally of one container (GET /api/v1/events); -f follows them.")
final class EventsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "only events of this container or image")
    String name;

    @Option(names = {"-f", "--follow"}, description = "keep printing new events as they happen (Ctrl-C to stop)")
    boolean follow;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json (the server's answer unchanged; one event per line while following)")
    OutputFormat output;

    EventsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        ApiClient api = server.client(ctx);
        PrintWriter out = spec.commandLine().getOut();
        String missing = "the service has no events endpoint (GET /api/v1/events answered 404: an older hostlet?)";
        JsonNode page = api.getJson("/events" + (name == null ? "" : "?name=" + ApiClient.encode(name)), missing);
        long last = -1;
        if (output == OutputFormat.json && !follow) {
            out.println(JSON.writeValueAsString(page));
            return 0;
        }
        for (JsonNode e : page.path("events")) {
            print(e, out);
            last = Math.max(last, e.path("seq").asLong(-1));
        }
        out.flush();
        if (follow) {
            follow(api, last, out);
        }
        return 0;
    }

    /** Reads the SSE stream until the server ends it; events at or before {@code after} were printed already. */
    private void follow(ApiClient api, long after, PrintWriter out) throws IOException {
        String[] resume = after >= 0 ? new String[] {"Last-Event-ID", Long.toString(after)} : new String[0];
        try (InputStream in = api.stream("/events/stream", "text/event-stream", null, resume);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.isEmpty() && data.length() > 0) {
                    JsonNode e = JSON.readTree(data.toString());
                    data.setLength(0);
                    // The stream carries every name, and may replay what the first request returned.
                    if ((name == null || name.equals(e.path("name").asText(null))) && e.path("seq").asLong(-1) > after) {
                        print(e, out);
                        out.flush();
                    }
                }
            }
        }
    }

    private void print(JsonNode e, PrintWriter out) throws IOException {
        out.println(output == OutputFormat.json ? JSON.writeValueAsString(e) : Text.event(Text.printable(e)));
    }
}
