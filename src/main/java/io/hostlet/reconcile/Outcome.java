package io.hostlet.reconcile;

import io.hostlet.engine.EngineException;
import io.hostlet.plan.Step;

/** What became of one step: {@code error} is null when it succeeded. */
record Outcome(Step step, EngineException error) {
    boolean ok() {
        return error == null;
    }
}
