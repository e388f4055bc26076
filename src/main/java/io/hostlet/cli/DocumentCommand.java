package io.hostlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A client command that fetches one JSON document from the service and prints it rendered for a person, or as the
 * server sent it with {@code -o json}: {@code status}, {@code plan} and {@code describe} differ only in the path,
 * what a 404 means and the rendering.
 */
abstract class DocumentCommand implements Callable<Integer> {

    final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json (the server's answer unchanged)")
    OutputFormat output;

    DocumentCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** The path under {@code /api/v1}. */
    abstract String path();

    /** What a 404 means, said to the user; null: the generic error. */
    abstract String whenMissing();

    /** The document as text for a person. */
    abstract String render(JsonNode document);

    @Override
    public Integer call() {
        ApiClient api = server.client(ctx);
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(api.getText(path(), "application/json", whenMissing()));
        } else {
            // what the server relays (file names, messages, names) never reaches the terminal as control characters
            out.print(render(Text.printable(api.getJson(path(), whenMissing()))));
        }
        return 0;
    }
}
