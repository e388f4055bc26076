package io.hostlet.execute;

import io.hostlet.engine.EngineException;
import io.hostlet.plan.Step;

import java.util.List;

/**
 * What became of one step, with what the executor saw on the way, for the recorder to book.
 *
 * @param step  the step
 * @param error why it failed; null when it succeeded
 * @param pulls the pulls this step made itself (a pull step's own, or the pull a create needed), failed or not
 */
public record Outcome(Step step, EngineException error, List<Pull> pulls) {

    public Outcome {
        pulls = List.copyOf(pulls);
    }

    public boolean ok() {
        return error == null;
    }

    /**
     * One pull that reached the engine: the id {@code image} named before and after it (null: absent). A pull that
     * brought an image the reference did not name before is hostlet's (see the recorder).
     */
    public record Pull(String image, String beforeId, String afterId) {
    }
}
