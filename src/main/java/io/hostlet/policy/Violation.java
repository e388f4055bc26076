package io.hostlet.policy;

/**
 * One refusal: the manifest field at fault (a path like {@code spec.volumes[1].hostPath}), the rule, and the message
 * for the person (no values beyond what the manifest shows in the same field).
 */
public record Violation(String field, Rule rule, String message) {}
