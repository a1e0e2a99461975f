package io.cyclegan.model.train;

import io.cyclegan.model.Choice;

/**
 * The learning-rate schedule ({@code lr_policy} of the official {@code networks.get_scheduler}).
 */
public enum LrPolicy implements Choice {
  /** Constant for {@code epochs}, then linear decay over {@code decayEpochs}. */
  LINEAR,
  /** Multiplied by 0.1 every {@code lrDecayIters} epochs. */
  STEP,
  /** Multiplied by 0.2 when the generators' loss has not improved for 5 epochs. */
  PLATEAU,
  /** Cosine annealing from the initial rate to 0 over {@code epochs} epochs. */
  COSINE;

  @Override
  public String wireName() {
    return Choice.wireNameOf(this);
  }
}
