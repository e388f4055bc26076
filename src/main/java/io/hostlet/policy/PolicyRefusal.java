package io.hostlet.policy;

/** The policy refused a container right before its create ({@link Policy#admit}); the message names field and rule. */
public final class PolicyRefusal extends RuntimeException {
    public PolicyRefusal(String message) {
        super(message, null, false, false);
    }
}
