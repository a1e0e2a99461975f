package io.cyclegan.model.train;

/**
 * The learning rate per epoch, as the official {@code networks.get_scheduler} defines it for each
 * {@code lr_policy}. The rate of 0-based epoch {@code e} is the scheduler's after {@code e} steps
 * (one step per epoch), so it depends on the epoch alone and a resumed run continues it exactly.
 *
 * @param policy the policy
 * @param epochs epochs at the initial rate ({@code n_epochs}; cosine's {@code T_max})
 * @param decayEpochs epochs of linear decay ({@code n_epochs_decay})
 * @param decayIters the step policy's period ({@code lr_decay_iters})
 */
public record LearningRateSchedule(LrPolicy policy, int epochs, int decayEpochs, int decayIters) {

  // ReduceLROnPlateau(mode='min', factor=0.2, threshold=0.01, patience=5) and its default eps.
  private static final double PLATEAU_FACTOR = 0.2;
  private static final int PLATEAU_PATIENCE = 5;
  private static final double PLATEAU_EPS = 1e-8;

  /** The linear policy (today's default). */
  public LearningRateSchedule(int epochs, int decayEpochs) {
    this(LrPolicy.LINEAR, epochs, decayEpochs, 1);
  }

  /**
   * The linear policy's factor for 0-based epoch {@code e}: {@code 1 - max(0, e + 1 - epochs) /
   * (decay + 1)}.
   */
  public double factor(int epoch) {
    return 1.0 - Math.max(0, epoch + 1 - epochs) / (double) (decayEpochs + 1);
  }

  /** The learning rate of 0-based epoch {@code epoch} from the initial rate {@code lr}. */
  public double rate(double lr, int epoch) {
    return switch (policy) {
      case LINEAR -> lr * factor(epoch);
      case STEP -> lr * Math.pow(0.1, epoch / decayIters);
      case COSINE -> lr * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
      case PLATEAU -> plateau(lr, epoch);
    };
  }

  /**
   * ReduceLROnPlateau after {@code steps} steps on the metric the official CycleGAN model reports,
   * which is always 0 ({@code BaseModel.metric}): the first step sets the best, each later one is
   * "no improvement", and every sixth of those multiplies the rate by 0.2, until a reduction would
   * change it by less than eps.
   */
  private static double plateau(double lr, int steps) {
    double rate = lr;
    int bad = 0;
    for (int step = 2; step <= steps; step++) {
      bad++;
      if (bad > PLATEAU_PATIENCE) {
        double reduced = rate * PLATEAU_FACTOR;
        if (rate - reduced > PLATEAU_EPS) {
          rate = reduced;
        }
        bad = 0;
      }
    }
    return rate;
  }
}
