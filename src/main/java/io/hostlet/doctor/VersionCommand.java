package io.hostlet.doctor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;

/**
 * {@code hostlet version}: the version, the commit it was built from (git.properties, written at build time by
 * git-commit-id-maven-plugin) and the engine API versions it speaks. Needs no engine.
 */
@Command(name = "version", description = "Print hostlet's version, the commit it was built from and the Docker"
        + " Engine API versions it speaks.")
public final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Properties git = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/git.properties")) {
            if (in != null) {
                git.load(in);
            }
        } catch (IOException e) {
            // No build information: printed as unknown below.
        }
        String version = VersionCommand.class.getPackage().getImplementationVersion();
        PrintWriter out = spec.commandLine().getOut();
        out.println("hostlet " + (version == null ? git.getProperty("git.build.version", "(development build)") : version));
        String commit = git.getProperty("git.commit.id.abbrev", "unknown");
        out.println("commit:      " + commit + (Boolean.parseBoolean(git.getProperty("git.dirty")) ? " (with local changes)" : "")
                + (git.getProperty("git.commit.time") == null ? "" : ", " + git.getProperty("git.commit.time")));
        out.println("engine API:  " + EngineApi.FLOOR + " to " + EngineApi.TESTED + " (Docker 20.10 to 26.1, tested)");
        out.println("java:        " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    }
}
