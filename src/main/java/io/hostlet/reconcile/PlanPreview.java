package io.hostlet.reconcile;

import io.hostlet.plan.Plan;

import java.time.Instant;

/**
 * What the next pass would do, worked out on the loop's thread between passes without acting or recording anything:
 * the desired state read, the engine observed (its current listing when the next pass would reuse it), and the plan
 * made with the backoffs, image records and steps in flight as they are now.
 *
 * @param afterPass the number of the last pass that had finished when this was planned (0 before the first)
 * @param mode      {@code act} or {@code observe}
 * @param at        when it was planned
 * @param plan      the plan
 */
public record PlanPreview(long afterPass, String mode, Instant at, Plan plan) {
}
