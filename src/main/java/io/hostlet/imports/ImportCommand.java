package io.hostlet.imports;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hostlet import COMPOSE_FILE [-o DIR]}: one Container manifest per compose service, written into DIR
 * ({@code manifests} by default: the folder {@code validate} and the service read by default). Offline: reads two
 * files (the compose file and the {@code .env} beside it, read by {@link ComposeInput}), writes the manifests, touches no engine.
 *
 * <p>Exit codes: {@value #OK} everything was carried over; {@value #DROPPED} the files were written but some keys
 * were not (each on stderr as {@code file:line: services.web.key: not converted (why)}); {@value #INVALID} the file
 * is no compose file (reported as {@code file:line:col: why}), or a manifest to be written exists already (nothing written; {@code --force} overwrites);
 * 2 a usage error. Notices (files to copy, policy exceptions to configure) go to stderr too, prefixed {@code note:}.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Write one hostlet manifest per service of a compose file.",
                "Keys with no hostlet counterpart are reported as file:line: services.NAME.key: not converted (why).",
                "Exit: 0 all converted, 3 written but something not converted, 1 unreadable input or existing files,"
                        + " 2 usage error."})
public final class ImportCommand implements Callable<Integer> {

    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int DROPPED = 3;

    @Parameters(index = "0", paramLabel = "COMPOSE_FILE", description = "the compose file, e.g. docker-compose.yml")
    Path compose;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "manifests",
            description = "folder to write into, created if missing (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = {"-p", "--project-name"}, paramLabel = "NAME",
            description = "compose's project name (default: COMPOSE_PROJECT_NAME from the environment or .env, else"
                    + " the file's name: key, else its folder's name); named"
                    + " volumes are NAME_volume, as compose named them, so their data carries over")
    String project;

    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "a profile to enable, as compose's --profile (repeatable; default: COMPOSE_PROFILES from the"
                    + " environment or .env); services of other profiles are not written")
    List<String> profiles;

    @Option(names = "--force", description = "overwrite manifests that exist in DIR")
    boolean force;

    @Option(names = "--schema", paramLabel = "REF", defaultValue = ComposeImport.SCHEMA,
            description = "the schema each file's yaml-language-server line names (default: ${DEFAULT-VALUE}),"
                    + " e.g. ../schema/hostlet-v1.json")
    String schema;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    /** @param environment for {@code ${VAR}} interpolation (and {@code HOME} for {@code ~}) */
    public ImportCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Parses {@code args} as the command line would and runs it with {@code environment}; for tests. */
    public static int execute(Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new ImportCommand(environment));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(compose)) {
            err.println(compose + ": no such file");
            return INVALID;
        }
        ImportResult result;
        try {
            ComposeInput in = ComposeInput.read(compose, environment);
            result = ComposeImport.convert(in, project, profiles == null ? in.profiles() : profiles, schema);
        } catch (ComposeInput.Unreadable e) {
            err.println(e.getMessage() + " (nothing imported)");
            return INVALID;
        } catch (ComposeImport.NotCompose e) {
            err.println(compose + ":" + e.line + ":" + e.column + ": " + e.getMessage() + " (nothing imported)");
            return INVALID;
        }
        List<String> existing = new ArrayList<>();
        for (ImportResult.OutputFile f : result.files()) {
            if (Files.exists(output.resolve(f.name()))) {
                existing.add(output.resolve(f.name()).toString());
            }
        }
        if (!existing.isEmpty() && !force) {
            err.println("would overwrite " + String.join(", ", existing) + "; nothing written (--force overwrites)");
            return INVALID;
        }
        Files.createDirectories(output);
        for (ImportResult.OutputFile f : result.files()) {
            Files.writeString(output.resolve(f.name()), f.content(), StandardCharsets.UTF_8);
        }
        err.println("wrote " + result.files().size() + " manifest(s) to " + output);
        result.dropped().forEach(err::println);
        result.notices().forEach(n -> err.println("note: " + n));
        err.flush();
        return result.dropped().isEmpty() ? OK : DROPPED;
    }
}
