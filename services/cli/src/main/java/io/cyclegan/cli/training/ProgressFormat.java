package io.cyclegan.cli.training;

import io.cyclegan.cli.console.Durations;
import io.cyclegan.common.messages.TrainingEvent;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The text of the live training line and of the other events. */
final class ProgressFormat {
  /** A DJL device name as the training worker writes it: {@code cpu()}, {@code gpu(0)}. */
  private static final Pattern DEVICE = Pattern.compile("[a-z]{1,16}\\([0-9]{0,4}\\)");

  private static final Pattern COUNT = Pattern.compile("[1-9][0-9]{0,3}");

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

  /**
   * {@link #event(TrainingEvent)}, and for {@code started} where the job runs, from the event's
   * headers ({@code cg-device}, {@code cg-intra-op-threads}): {@code j1 started epoch 0 step 0 on
   * cpu() with 1 libtorch intra-op thread(s)} ({@link #where}).
   */
  static String event(TrainingEvent event, String device, String threads) {
    String line = event(event);
    return event.type() == TrainingEvent.Type.started ? line + where(device, threads) : line;
  }

  /**
   * {@code " on cpu() with 1 libtorch intra-op thread(s)"}: where a job runs, as the worker reports
   * it in the started event's headers and in the job's state document; a part that is absent or not
   * what the worker writes is left out, so a forged one cannot put arbitrary text on the terminal.
   */
  static String where(String device, String threads) {
    StringBuilder text = new StringBuilder();
    if (device != null && DEVICE.matcher(device).matches()) {
      text.append(" on ").append(device);
    }
    if (threads != null && COUNT.matcher(threads).matches()) {
      text.append(" with ").append(threads).append(" libtorch intra-op thread(s)");
    }
    return text.toString();
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
