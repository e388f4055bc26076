package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code hostlet plan}: what the next pass would do, each step with its cause ({@code GET /api/v1/plan}). */
@Command(name = "plan", description = "Show what the next pass would do, each step with its cause (GET /api/v1/plan).")
final class PlanCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json (the server's answer unchanged)")
    OutputFormat output;

    PlanCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient api = server.client(ctx);
        PrintWriter out = spec.commandLine().getOut();
        String missing = "the service has no plan endpoint (GET /api/v1/plan answered 404: an older hostlet?)";
        if (output == OutputFormat.json) {
            out.println(api.getText("/plan", "application/json", missing));
        } else {
            out.print(render(api.getJson("/plan", missing)));
        }
        return 0;
    }

    static String render(JsonNode plan) {
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
