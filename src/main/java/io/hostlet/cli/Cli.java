package io.hostlet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code hostlet} command line: the top command and its subcommands, wired by hand (no reflection factory, no
 * CDI). Exit codes: 0 success, 1 a problem found or a failed request, 2 a usage error.
 */
@Command(name = "hostlet", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "A kubelet for one Docker host. Without a command (or with 'run'): run the service.",
        subcommandsRepeatable = false)
public final class Cli implements Runnable {

    /** A problem found (invalid manifests) or a request that failed. */
    public static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Cli() {
    }

    @Override
    public void run() {
        // Only reached for 'hostlet' with options but no command (Main starts the service for no arguments at all).
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Runs {@code args} with standard output and error; returns the exit code. */
    public static int execute(CliContext ctx, String... args) {
        return execute(ctx, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(CliContext ctx, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(ctx);
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(CliContext ctx) {
        CommandLine cl = new CommandLine(new Cli());
        cl.addSubcommand("run", new RunPlaceholder());
        cl.addSubcommand("validate", new ValidateCommand());
        cl.addSubcommand("status", new StatusCommand(ctx));
        cl.addSubcommand("plan", new PlanCommand(ctx));
        cl.addSubcommand("describe", new DescribeCommand(ctx));
        cl.addSubcommand("events", new EventsCommand(ctx));
        cl.addSubcommand("logs", new LogsCommand(ctx));
        cl.addSubcommand("retry", new RetryCommand(ctx));
        cl.addSubcommand("export", new io.hostlet.export.ExportCommand());
        cl.addSubcommand("import", new io.hostlet.imports.ImportCommand(ctx.env()));
        cl.addSubcommand("doctor", new io.hostlet.doctor.DoctorCommand(ctx.env()));
        cl.addSubcommand("version", new io.hostlet.doctor.VersionCommand());
        cl.addSubcommand("completion", new CompletionCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException failure) {
                line.getErr().println("hostlet: " + failure.getMessage());
                return FAILED;
            }
            throw e;
        });
        return cl;
    }

    /** Listed for {@code --help}; {@code app.Main} starts the service before picocli sees {@code run}. */
    @Command(name = "run", description = "Run the service (the same as no command).")
    static final class RunPlaceholder implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("'run' is handled by Main before the command line is parsed");
        }
    }

    /** The version from the jar's manifest (Quarkus' runner jar carries the project's). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"hostlet " + (v == null ? "(development build)" : v)};
        }
    }
}
