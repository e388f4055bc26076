package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;


/** {@code hostlet plan}: what the next pass would do, each step with its cause ({@code GET /api/v1/plan}). */
@Command(name = "plan", description = "Show what the next pass would do, each step with its cause (GET /api/v1/plan).")
final class PlanCommand extends DocumentCommand {

    PlanCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    String path() {
        return "/plan";
    }

    @Override
    String whenMissing() {
        return "the service has no plan endpoint (GET /api/v1/plan answered 404: an older hostlet?)";
    }

    @Override
    String render(JsonNode document) {
        return text(document);
    }

    static String text(JsonNode plan) {
        StringBuilder b = new StringBuilder();
        b.append("plan after pass ").append(Text.field(plan, "pass"));
        if ("observe".equals(plan.path("mode").asText())) {
            b.append(" (observe mode: hostlet will not act on it)");
        }
        b.append('\n');
        JsonNode steps = plan.path("steps");
        if (steps.isEmpty()) {
            return b.append("nothing to do\n").toString();
        }
        String text = plan.path("text").asText("");
        if (!text.isBlank()) {
            return b.append(text.endsWith("\n") ? text : text + "\n").toString();
        }
        int i = 1;
        for (JsonNode s : steps) {
            b.append('#').append(i++).append(' ').append(Text.field(s, "target")).append(", ")
                    .append(Text.field(s, "action")).append(", ").append(s.path("cause").asText("")).append('\n');
        }
        return b.toString();
    }
}
