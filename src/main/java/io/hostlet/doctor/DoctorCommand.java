package io.hostlet.doctor;

import io.hostlet.engine.DockerEngine;
import io.hostlet.engine.EngineInfo;
import io.hostlet.engine.RegistryAuth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hostlet doctor}: checks what the service would start with (the engine, the manifests folder, the state and
 * secrets folders, the instance label, the policy) and says what to fix. Reads the same environment variables as the
 * service; the options override them. Exit: 0 all ok, 1 warnings only, 2 failures.
 */
@Command(name = "doctor", description = {
        "Check the engine (reachable, version, API floor, image store, Docker or Podman), the manifests folder,"
                + " the state folder's mode, the instance label, the policy and the secrets folder, and say what to fix.",
        "Reads the service's environment (DOCKER_HOST, HOSTLET_MANIFESTS_DIR, HOSTLET_STATE_DIR, HOSTLET_SECRETS_DIR,"
                + " HOSTLET_POLICY_LEVEL, HOSTLET_INSTANCE); options override it.",
        "Exit: 0 all ok, 1 warnings only, 2 failures."})
public final class DoctorCommand implements Callable<Integer> {

    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--docker-host", paramLabel = "URL", description = "the engine (default: $DOCKER_HOST, else the local socket)")
    String dockerHost;

    @Option(names = "--manifests", paramLabel = "DIR", description = "the manifests folder (default: $HOSTLET_MANIFESTS_DIR, else ./manifests)")
    Path manifests;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "the state folder (default: $HOSTLET_STATE_DIR, else ./.hostlet-state)")
    Path stateDir;

    @Option(names = "--secrets-dir", paramLabel = "DIR", description = "the secrets folder (default: $HOSTLET_SECRETS_DIR, else ./.hostlet-secrets)")
    Path secretsDir;

    @Option(names = "--policy", paramLabel = "LEVEL", description = "the policy level (default: $HOSTLET_POLICY_LEVEL, else baseline)")
    String policy;

    /** @param env the process's environment (given, so tests can set it) */
    public DoctorCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws Exception {
        Doctor.Settings d = Doctor.Settings.fromEnv(env);
        Doctor.Settings s = new Doctor.Settings(dockerHost != null ? dockerHost : d.dockerHost(),
                manifests != null ? manifests : d.manifestsDir(), stateDir != null ? stateDir : d.stateDir(),
                secretsDir != null ? secretsDir : d.secretsDir(), policy != null ? policy : d.policyLevel(),
                d.instance());
        List<Finding> findings = new Doctor(s, () -> describe(s)).run();
        PrintWriter out = spec.commandLine().getOut();
        for (Finding f : findings) {
            out.printf("%-4s  %-11s  %s%n", f.status() == Finding.Status.OK ? "ok" : f.status().name().toLowerCase(),
                    f.check(), f.detail());
            if (!f.fix().isEmpty()) {
                out.printf("%-4s  %-11s  fix: %s%n", "", "", f.fix());
            }
        }
        int code = Doctor.exitCode(findings);
        out.println(code == 0 ? "all checks passed" : code == 1 ? "warnings only" : "failures: the service would not "
                + "work as configured");
        return code;
    }

    private static EngineInfo describe(Doctor.Settings s) {
        try (DockerEngine engine = new DockerEngine(s.dockerHost(), s.instance(), ENGINE_TIMEOUT, RegistryAuth.none())) {
            return engine.describe();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
