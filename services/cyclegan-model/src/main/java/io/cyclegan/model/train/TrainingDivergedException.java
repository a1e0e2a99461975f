package io.cyclegan.model.train;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The losses of a step were not finite (NaN or infinite): the weights are lost, and no later step
 * brings them back, so training stops here rather than run on and publish a model that outputs
 * nothing. Resuming from the last checkpoint would diverge again with the same parameters.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TrainingDivergedException(int epoch, int stepInEpoch, long globalStep, LossValues losses) {
    super(
        "training diverged at epoch "
            + epoch
            + ", step "
            + stepInEpoch
            + " (step "
            + globalStep
            + " of the job): losses "
            + losses.toMap().entrySet().stream()
                .filter(e -> !Float.isFinite(e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.joining(", "))
            + " are not finite; a lower learning rate (lr) or another initialisation"
            + " (initType, initGain) may train");
  }
}
