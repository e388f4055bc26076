package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code hostlet status}: the service's containers as a table, like {@code docker ps}, then the manifest errors
 * and, when hostlet is not converged, why.
 */
@Command(name = "status", description = "Show the containers hostlet manages (GET /api/v1/status).")
final class StatusCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json (the server's answer unchanged)")
    OutputFormat output;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        ApiClient api = server.client(ctx);
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(api.getText("/status", "application/json", null));
            return 0;
        }
        out.print(render(api.getJson("/status", null), ctx));
        return 0;
    }

    static String render(JsonNode status, CliContext ctx) {
        Table t = new Table("NAME", "PHASE", "HEALTH", "RESTARTS", "AGE", "IMAGE", "SOURCE");
        for (JsonNode c : status.path("containers")) {
            String since = c.hasNonNull("startedAt") ? c.get("startedAt").asText() : Text.field(c, "createdAt");
            t.row(Text.field(c, "name"), Text.field(c, "phase"), Text.field(c, "health"), c.path("restarts").asText("0"),
                    Text.age(since, ctx.clock().instant()), Text.field(c, "image"), Text.field(c, "source"));
        }
        StringBuilder b = new StringBuilder(t.render());
        JsonNode errors = status.path("manifestErrors");
        if (!errors.isEmpty()) {
            b.append('\n').append(errors.size()).append(errors.size() == 1 ? " manifest error:\n" : " manifest errors:\n");
            for (JsonNode e : errors) {
                b.append("  ").append(Text.field(e, "file")).append(':').append(e.path("line").asInt()).append(':')
                        .append(e.path("column").asInt()).append(": ").append(e.path("message").asText("")).append('\n');
            }
        }
        if (!status.path("converged").asBoolean(true) && status.hasNonNull("reason")) {
            b.append("\nnot converged: ").append(status.get("reason").asText()).append('\n');
        }
        return b.toString();
    }
}
