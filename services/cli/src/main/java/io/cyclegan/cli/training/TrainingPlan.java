package io.cyclegan.cli.training;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a job is, as far as the client can tell: total epochs from the parameters (or the
 * contract's defaults) and steps per epoch from the dataset's size, since an epoch is one pass over
 * max(|A|, |B|) images. Either may be unknown, and then so is the ETA.
 *
 * @param totalEpochs epochs plus decay epochs, or {@code null}
 * @param stepsPerEpoch {@code ceil(max(|A|, |B|) / batchSize)}, or {@code null}
 * @param batchSize images per step
 */
public record TrainingPlan(Integer totalEpochs, Long stepsPerEpoch, int batchSize) {

  public static final TrainingPlan UNKNOWN = new TrainingPlan(null, null, 1);

  public Optional<Long> totalSteps() {
    return totalEpochs == null || stepsPerEpoch == null
        ? Optional.empty()
        : Optional.of(totalEpochs * stepsPerEpoch);
  }

  /**
   * Time left at {@code step} (counted from the start of the job, as the events count it) at the
   * measured image rate.
   */
  public Optional<Duration> eta(Long step, Double imagesPerSecond) {
    if (step == null || imagesPerSecond == null || imagesPerSecond <= 0) {
      return Optional.empty();
    }
    return totalSteps()
        .map(
            total -> {
              double stepsLeft = Math.max(0, total - step);
              return Duration.ofMillis((long) (stepsLeft * batchSize / imagesPerSecond * 1000));
            });
  }
}
