package io.cyclegan.cli.training;

import io.cyclegan.cli.console.Durations;
import io.cyclegan.common.messages.TrainingEvent;
import java.util.Locale;
import java.util.Map;

/** The text of the live training line and of the other events. */
final class ProgressFormat {
  private ProgressFormat() {}

  /** {@code epoch 3/10 step 120/400 D_A 0.213 ... 4.2 img/s ETA 1m20s} */
  static String progress(TrainingEvent event, TrainingPlan plan) {
    StringBuilder line = new StringBuilder(event.jobId());
    if (event.epoch() != null) {
      line.append(" epoch ").append(event.epoch());
      if (plan.totalEpochs() != null) {
        line.append('/').append(plan.totalEpochs());
      }
    }
    if (event.step() != null) {
      line.append(" step ").append(event.step());
      plan.totalSteps().ifPresent(total -> line.append('/').append(total));
    }
    Map<String, Double> losses = event.losses();
    if (losses != null) {
      for (String term : TrainingEvent.LOSS_TERMS) {
        Double value = losses.get(term);
        if (value != null) {
          line.append(' ').append(term).append(' ').append(number(value));
        }
      }
    }
    if (event.imagesPerSecond() != null) {
      line.append(String.format(Locale.ROOT, " %.1f img/s", event.imagesPerSecond()));
    }
    plan.eta(event.step(), event.imagesPerSecond())
        .ifPresent(eta -> line.append(" ETA ").append(Durations.format(eta)));
    return line.toString();
  }

  /** A line for an event other than progress. */
  static String event(TrainingEvent event) {
    StringBuilder line = new StringBuilder(event.jobId()).append(' ').append(event.type());
    if (event.epoch() != null) {
      line.append(" epoch ").append(event.epoch());
    }
    if (event.step() != null) {
      line.append(" step ").append(event.step());
    }
    if (event.model() != null) {
      line.append(" model ").append(event.model());
    }
    if (event.modelVersion() != null) {
      line.append(" version ").append(event.modelVersion());
    }
    if (event.error() != null) {
      line.append(": ").append(event.error());
    }
    return line.toString();
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
