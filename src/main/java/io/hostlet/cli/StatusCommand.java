package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;


/**
 * {@code hostlet status}: the service's containers as a table, like {@code docker ps}, then the manifest errors
 * and, when hostlet is not converged, why.
 */
@Command(name = "status", description = "Show the containers hostlet manages (GET /api/v1/status).")
final class StatusCommand extends DocumentCommand {

    StatusCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    String path() {
        return "/status";
    }

    @Override
    String whenMissing() {
        return null;
    }

    @Override
    String render(JsonNode document) {
        return text(document, ctx);
    }

    static String text(JsonNode status, CliContext ctx) {
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
