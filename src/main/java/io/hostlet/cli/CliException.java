package io.hostlet.cli;

/** A failure to report in one line ({@code hostlet: <message>}) with exit code 1; no stack trace. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
