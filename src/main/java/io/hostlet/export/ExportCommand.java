package io.hostlet.export;

import io.hostlet.desired.DesiredState;
import io.hostlet.desired.FolderSource;
import io.hostlet.policy.HostPaths;
import io.hostlet.policy.Level;
import io.hostlet.policy.Policy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hostlet export --format compose|kubernetes [-o DIR] [PATH]}: the manifests a folder holds, as a Swarm stack
 * file or as Kubernetes objects. Reads the folder exactly as hostlet does (same files, same ignore rules, same
 * validation) and refuses to export anything while a manifest has errors: half a folder is not a deployment.
 *
 * <p>Exit codes: {@value #OK} everything was carried over; {@value #DROPPED} the files were written but some fields
 * have no counterpart (each reported on stderr as {@code file:line: name.field: not exported (why)});
 * {@value #INVALID} the folder could not be read or a manifest is invalid (nothing written); 2 usage error.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the manifests as a Docker Swarm stack file or as Kubernetes objects.")
public final class ExportCommand implements Callable<Integer> {

    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int DROPPED = 3;

    /** The two targets. */
    public enum Format { compose, kubernetes }

    @Option(names = "--format", required = true, description = "compose (docker stack deploy) or kubernetes")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "folder to write into (created if missing); default: standard output")
    Path output;

    @Option(names = "--policy", defaultValue = "baseline", paramLabel = "LEVEL",
            description = "the policy level the manifests are read under, as validate: baseline (default),"
                    + " restricted or privileged (no policy checks)")
    Level policy;

    @Parameters(arity = "0..1", paramLabel = "PATH", defaultValue = "manifests", description = "manifests folder (default: ${DEFAULT-VALUE})")
    Path folder;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    @Override
    public Integer call() {
        return run(folder, new Policy(policy, java.util.Map.of(), java.util.List.of(), HostPaths.LOCAL), format,
                output, out, err);
    }

    /** Parses {@code args} as the command line would and runs it; for tests and for a main without subcommands. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        ExportCommand command = new ExportCommand();
        command.out = out;
        command.err = err;
        CommandLine cli = new CommandLine(command);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The export itself: reads {@code folder}, writes to {@code output} (or {@code out} when null), reports to {@code err}. */
    public static int run(Path folder, Format format, Path output, PrintStream out, PrintStream err) {
        return run(folder, Policy.baseline(), format, output, out, err);
    }

    /** As {@link #run(Path, Format, Path, PrintStream, PrintStream)}, reading under {@code policy}. */
    public static int run(Path folder, Policy policy, Format format, Path output, PrintStream out, PrintStream err) {
        DesiredState desired = new FolderSource(folder, policy).read();
        if (!desired.complete() || !desired.errors().isEmpty()) {
            if (desired.problem() != null) {
                err.println(folder + ": " + desired.problem());
            }
            desired.errors().forEach(e -> err.println(e));
            err.println("nothing exported: fix the manifests first");
            return INVALID;
        }
        FieldLines lines = FieldLines.of(folder);
        ExportResult result = format == Format.compose ? ComposeExport.export(desired, lines) : KubernetesExport.export(desired, lines);
        try {
            if (output == null) {
                boolean first = true;
                for (ExportResult.OutputFile f : result.files()) {
                    out.print(first ? "" : "---\n");
                    out.print(f.content());
                    first = false;
                }
                out.flush();
            } else {
                Files.createDirectories(output);
                for (ExportResult.OutputFile f : result.files()) {
                    Files.writeString(output.resolve(f.name()), f.content(), StandardCharsets.UTF_8);
                }
                err.println("wrote " + result.files().size() + " file(s) to " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        result.dropped().forEach(d -> err.println(d));
        return result.dropped().isEmpty() ? OK : DROPPED;
    }
}
