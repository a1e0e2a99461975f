package io.cyclegan.model.train;

/** How {@link CycleGanTrainer#train} ended. */
public enum TrainingOutcome {
  /** All epochs ran. */
  COMPLETED,
  /** Cancellation was seen before a step; the state is consistent and can be checkpointed. */
  CANCELLED
}
