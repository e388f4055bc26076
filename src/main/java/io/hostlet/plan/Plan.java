package io.hostlet.plan;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The planner's output: its phases, in the order they run, each with its steps in order. The executor runs the
 * phases one after another and each phase as its {@link Run} says; it never reorders or regroups steps.
 */
public record Plan(List<Phase> phases) {

    public Plan {
        phases = List.copyOf(phases);
    }

    /** A plan of {@code phases}, in this order. */
    public static Plan of(Phase... phases) {
        return new Plan(Arrays.asList(phases));
    }

    /** How the steps of a phase run. */
    public enum Run {
        /** One after another, each tried even when one before it failed. */
        IN_ORDER,
        /** In parallel on the pull pool, at most {@code hostlet.images.pull-parallelism} pulls at once. */
        PULLS,
        /** Targets in parallel on the container pool; the steps of one target in their order. */
        BY_TARGET
    }

    /** The phases a plan has, in the order they run, and how each runs. */
    public enum Kind {
        /** Networks first: containers join them. */
        CREATE_NETWORKS(Run.IN_ORDER),
        /** Then pulls, so a container that needs a pulled image finds it. */
        PULL_IMAGES(Run.PULLS),
        /** Then containers, independent of each other. */
        CONTAINERS(Run.BY_TARGET),
        /** After the containers: a container removed in this pass no longer holds its image. */
        REMOVE_IMAGES(Run.IN_ORDER),
        /** Last: a network goes only after the containers that used it. */
        REMOVE_NETWORKS(Run.IN_ORDER);

        private final Run run;

        Kind(Run run) {
            this.run = run;
        }

        public Run run() {
            return run;
        }
    }

    /** One phase: its kind and its steps ({@link Step.Wait} notes included) in order. */
    public record Phase(Kind kind, List<Step> steps) {
        public Phase {
            Objects.requireNonNull(kind, "kind");
            steps = List.copyOf(steps);
        }

        public Run run() {
            return kind.run();
        }
    }

    /** Every step of every phase, in order. */
    public List<Step> steps() {
        return phases.stream().flatMap(p -> p.steps().stream()).toList();
    }

    /** The steps the executor runs. */
    public List<Step> actions() {
        return steps().stream().filter(Step::isAction).toList();
    }

    /** Whether the host already matches (nothing to run, though something may be backing off). */
    public boolean hasActions() {
        return phases.stream().anyMatch(p -> p.steps().stream().anyMatch(Step::isAction));
    }

    /** The earliest time a backing-off target may be tried again. */
    public Optional<Instant> nextWakeUp() {
        return waits().stream().map(Step.Wait::until).filter(Objects::nonNull).min(Instant::compareTo);
    }

    /** The {@link Step.Wait} notes, in order: what is backing off or waiting for others. */
    public List<Step.Wait> waits() {
        return steps().stream().filter(s -> s instanceof Step.Wait).map(s -> (Step.Wait) s).toList();
    }

    /** The {@link Step.RolledBack} notes, in order: the specs refused after a failed update gate. */
    public List<Step.RolledBack> rolledBack() {
        return steps().stream().filter(s -> s instanceof Step.RolledBack).map(s -> (Step.RolledBack) s).toList();
    }

    /** The {@link Step.HoldRemoval} notes, in order: the removals the prune guard refused. */
    public List<Step.HoldRemoval> holds() {
        return steps().stream().filter(s -> s instanceof Step.HoldRemoval).map(s -> (Step.HoldRemoval) s).toList();
    }

    /** One line per step, e.g. {@code #1 container:web, CreateContainer, not found}. */
    public String render() {
        StringBuilder b = new StringBuilder();
        List<Step> steps = steps();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            b.append('#').append(i + 1).append(' ').append(s.target()).append(", ").append(s.action())
                    .append(", ").append(s.cause()).append('\n');
        }
        return b.toString();
    }
}
