package io.hostlet.app;

import io.hostlet.cli.Cli;
import io.hostlet.cli.CliContext;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.time.Clock;
import java.util.Arrays;

/**
 * hostlet's entry point, for the packaged jar and for {@code quarkus:dev}: no arguments or {@code run} start the
 * service ({@link Quarkus#run}); anything else is a client command run by picocli without booting Quarkus, so
 * {@code validate} needs no engine, opens no port and answers in well under a second (ADR 0011).
 *
 * <p>It is also the command line's composition root: the CLI has no CDI container, so the system clock is read here
 * and given to the commands, as {@link ClockProducer} does for the service.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("run")) {
            Quarkus.run(args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(Cli.execute(new CliContext(Clock.systemUTC(), System.getenv()), args));
    }
}
