package io.hostlet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code hostlet logs NAME [--tail N] [-f]}: a container's output, through the service (no engine access needed). */
@Command(name = "logs", description = "Print a container's output (GET /api/v1/containers/NAME/logs); -f follows it.")
final class LogsCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "NAME", description = "the container's name")
    String name;

    @Option(names = "--tail", paramLabel = "N", description = "only the last N lines")
    Integer tail;

    @Option(names = {"-f", "--follow"}, description = "keep printing new output (Ctrl-C to stop)")
    boolean follow;

    LogsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        if (tail != null && tail < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tail must be 0 or more");
        }
        StringBuilder path = new StringBuilder("/containers/").append(ApiClient.encode(name)).append("/logs");
        String sep = "?";
        if (tail != null) {
            path.append(sep).append("tail=").append(tail);
            sep = "&";
        }
        if (follow) {
            path.append(sep).append("follow=true");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (InputStream in = server.client(ctx).stream(path.toString(), "text/plain", "no container " + name);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush(); // following: show each chunk as it comes
            }
        }
        return 0;
    }
}
