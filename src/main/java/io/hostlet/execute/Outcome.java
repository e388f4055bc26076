package io.hostlet.execute;

import io.hostlet.engine.EngineException;
import io.hostlet.plan.Step;

/** What became of one step: {@code error} is null when it succeeded. */
public record Outcome(Step step, EngineException error) {
    public boolean ok() {
        return error == null;
    }
}
