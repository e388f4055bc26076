package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code hostlet retry NAME}: try a spec refused after a rollback again ({@code POST /api/v1/containers/NAME/retry});
 * without it, hostlet waits for the manifest to change.
 */
@Command(name = "retry", description = "Try again the spec of a rolled-back container (POST /api/v1/containers/NAME/retry).")
final class RetryCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "NAME", description = "the container's name")
    String name;

    RetryCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        JsonNode answer = server.client(ctx).postJson("/containers/" + ApiClient.encode(name) + "/retry",
                "no container " + name);
        spec.commandLine().getOut().println(Text.printable(name + ": " + answer.path("result").asText("retry asked for")));
        return 0;
    }
}
