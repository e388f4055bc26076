package io.hostlet.cli;

/** How a command prints: for people ({@code text}), or the server's JSON unchanged ({@code json}). */
public enum OutputFormat {
    text, json
}
