package io.cyclegan.model.train;

/**
 * The reference {@code lr_policy='linear'}: {@code epochs} epochs at the initial rate, then a
 * linear decay over {@code decayEpochs} epochs toward (not to) zero.
 *
 * @param epochs epochs at the initial rate
 * @param decayEpochs epochs of decay
 */
public record LearningRateSchedule(int epochs, int decayEpochs) {

  /** The factor for 0-based epoch {@code e}: {@code 1 - max(0, e + 1 - epochs) / (decay + 1)}. */
  public double factor(int epoch) {
    return 1.0 - Math.max(0, epoch + 1 - epochs) / (double) (decayEpochs + 1);
  }
}
