package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;


/**
 * {@code hostlet describe NAME}: one container as hostlet sees it, like {@code kubectl describe}: state, the
 * desired spec (secrets redacted by the server), what the engine holds, recent events and the errors of its file.
 */
@Command(name = "describe", description = "Show one container: spec, observed state, recent events, errors (GET /api/v1/containers/NAME).")
final class DescribeCommand extends DocumentCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "the container's name")
    String name;

    DescribeCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    String path() {
        return "/containers/" + ApiClient.encode(name);
    }

    @Override
    String whenMissing() {
        return "no container " + name;
    }

    @Override
    String render(JsonNode document) {
        return text(document);
    }

    static String text(JsonNode c) {
        StringBuilder b = new StringBuilder();
        line(b, "Name", Text.field(c, "name"));
        line(b, "Phase", Text.field(c, "phase"));
        line(b, "Health", Text.field(c, "health"));
        line(b, "Restarts", c.path("restarts").asText("0"));
        JsonNode exit = c.path("lastExit");
        if (exit.isObject()) {
            line(b, "Last exit", "code " + Text.field(exit, "code") + " at " + Text.field(exit, "at")
                    + (exit.path("oomKilled").asBoolean() ? " (killed: out of memory)" : ""));
        } else {
            line(b, "Last exit", "-");
        }
        line(b, "Message", Text.field(c, "message"));
        line(b, "Source", Text.field(c, "source"));
        line(b, "Revision", Text.field(c, "revision"));
        line(b, "Image", Text.field(c, "image"));
        line(b, "Container", Text.field(c, "containerId"));
        line(b, "Created", Text.field(c, "createdAt"));
        line(b, "Started", Text.field(c, "startedAt"));
        section(b, "Spec", c.path("spec"), "(not desired: no manifest defines it)");
        section(b, "Observed", c.path("observed"), "(no container on the engine)");
        b.append("Events:\n");
        if (c.path("events").isEmpty()) {
            b.append("  (none)\n");
        }
        for (JsonNode e : c.path("events")) {
            b.append("  ").append(Text.event(e)).append('\n');
        }
        b.append("Errors:\n");
        if (c.path("errors").isEmpty()) {
            b.append("  (none)\n");
        }
        for (JsonNode e : c.path("errors")) {
            b.append("  ").append(Text.field(e, "file")).append(':').append(e.path("line").asInt()).append(':')
                    .append(e.path("column").asInt()).append(": ").append(e.path("message").asText("")).append('\n');
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format("%-11s%s", label + ":", value)).append('\n');
    }

    private static void section(StringBuilder b, String label, JsonNode n, String whenAbsent) {
        b.append(label).append(":\n");
        if (n.isMissingNode() || n.isNull()) {
            b.append("  ").append(whenAbsent).append('\n');
        } else {
            Text.indented(n, "  ", b);
        }
    }
}
