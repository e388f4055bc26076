package io.hostlet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** One command line run in-process: its exit code and what it printed. */
record Run(int code, String out, String err) {

    /** The instant every test's clock shows. */
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static Run of(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new CliContext(Clock.fixed(NOW, ZoneOffset.UTC), env), new PrintWriter(out, true),
                new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run of(String... args) {
        return of(Map.of(), args);
    }
}
