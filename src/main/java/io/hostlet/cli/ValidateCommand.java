package io.hostlet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hostlet.manifest.ManifestError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.hostlet.desired.SourceFiles;
import io.hostlet.policy.HostPaths;
import io.hostlet.policy.HostRoot;
import io.hostlet.policy.Level;
import io.hostlet.policy.Policy;
import java.util.concurrent.Callable;

/**
 * {@code hostlet validate PATH...}: checks manifests offline (no engine, no service) and prints one
 * {@code file:line:col: message} per problem; exits 0 when all is valid, 1 when not.
 */
@Command(name = "validate", description = {
        "Check manifest files and folders offline, exactly as the service reads them.",
        "Each folder is checked as one desired state; the files named are checked together as one more.",
        "Prints file:line:col: message per problem. Exit: 0 valid, 1 problems, 2 usage error."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "manifest files or folders")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json: an array of {file, line, column, message}")
    OutputFormat output;

    @Option(names = "--policy", defaultValue = "baseline", paramLabel = "LEVEL",
            description = "the policy level to check against: baseline (default, like the service), restricted or"
                    + " privileged (no policy checks)")
    Level policy;

    @Option(names = "--allow", paramLabel = "NAME=RULES", description = "rules lifted for one manifest, as"
            + " hostlet.policy.allow.\"NAME\"=RULES in the service's configuration (repeatable)")
    Map<String, String> allow = new LinkedHashMap<>();

    @Option(names = "--host-paths", defaultValue = "/srv", split = ",", paramLabel = "ROOTS", description = "where bind"
            + " mounts may come from, as hostlet.policy.host-paths in the service's configuration: /srv,/data:ro"
            + " (default: ${DEFAULT-VALUE}; none allows no bind mount)")
    List<String> hostPaths;

    @Option(names = "--secrets-dir", defaultValue = ".hostlet-secrets", paramLabel = "DIR", description = "where"
            + " env[].valueFrom.file, envFrom and secrets are read from, as hostlet.secrets.dir in the service's"
            + " configuration (default: ${DEFAULT-VALUE})")
    Path secretsDir;

    @Override
    public Integer call() throws Exception {
        Policy checked;
        try {
            checked = new Policy(policy, Policy.parseAllow(allow), HostRoot.parse(hostPaths),
                    List.of(secretsDir.toAbsolutePath().normalize().toString()), HostPaths.LOCAL);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<ManifestError> problems = ManifestCheck.check(paths, checked, new SourceFiles(secretsDir, List.of()));
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            ObjectMapper json = new ObjectMapper();
            ArrayNode array = json.createArrayNode();
            for (ManifestError e : problems) {
                array.addObject().put("file", e.file()).put("line", e.line()).put("column", e.column())
                        .put("message", e.message());
            }
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else {
            for (ManifestError e : problems) {
                // Line 0 means the whole file (unreadable, missing): no position to jump to.
                out.println(e.line() > 0 ? e.toString() : e.file() + ": " + e.message());
            }
        }
        return problems.isEmpty() ? 0 : Cli.FAILED;
    }
}
