package io.cyclegan.model.train;

/**
 * Callbacks from {@link CycleGanTrainer#train}, on the training thread. The callbacks may call the
 * trainer (save a checkpoint, render a sample grid, export the generators); they should not block
 * for long, since training waits for them.
 */
public interface TrainingListener {

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /** Losses were read (every {@code lossReadEverySteps} steps and at the end of each epoch). */
  default void onProgress(TrainingProgress progress) {}

  /** An epoch finished. */
  default void onEpochEnd(EpochSummary summary) {}
}
