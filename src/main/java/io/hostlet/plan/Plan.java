package io.hostlet.plan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The planner's output: steps in the order they may run (network creation, then image pulls, then containers,
 * which are independent of each other, then image removals, then network removal).
 */
public record Plan(List<Step> steps) {

    public Plan {
        steps = List.copyOf(steps);
    }

    /** The steps the executor runs. */
    public List<Step> actions() {
        return steps.stream().filter(Step::isAction).toList();
    }

    /** Whether the host already matches (nothing to run, though something may be backing off). */
    public boolean hasActions() {
        return steps.stream().anyMatch(Step::isAction);
    }

    /** The earliest time a backing-off target may be tried again. */
    public Optional<Instant> nextWakeUp() {
        return steps.stream().filter(s -> s instanceof Step.Wait).map(s -> ((Step.Wait) s).until())
                .filter(java.util.Objects::nonNull).min(Instant::compareTo);
    }

    /** One line per step, e.g. {@code #1 container:web, CreateContainer, not found}. */
    public String render() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            b.append('#').append(i + 1).append(' ').append(s.target()).append(", ").append(s.action())
                    .append(", ").append(s.cause()).append('\n');
        }
        return b.toString();
    }
}
