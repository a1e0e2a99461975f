package io.cyclegan.training.report;

import io.cyclegan.common.messages.TrainingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of {@code jobs/{jobId}/losses.csv}. After a resume the log is read back from the store
 * and cut at the checkpoint's step, so rows of work that was lost and redone appear once.
 */
public final class LossLog {
  static final String HEADER =
      "epoch,step_in_epoch,global_step,"
          + String.join(",", TrainingEvent.LOSS_TERMS)
          + ",images_per_second,learning_rate";

  private final List<LossRow> rows = new ArrayList<>();

  public void add(LossRow row) {
    rows.add(row);
  }

  public List<LossRow> rows() {
    return List.copyOf(rows);
  }

  /** Drops rows after {@code globalStep} (work a crash threw away). */
  public void truncateAfter(long globalStep) {
    rows.removeIf(r -> r.globalStep() > globalStep);
  }

  public String toCsv() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (LossRow r : rows) {
      sb.append(r.epoch()).append(',').append(r.stepInEpoch()).append(',').append(r.globalStep());
      for (double loss : r.losses()) {
        sb.append(',').append(format(loss));
      }
      sb.append(',')
          .append(format(r.imagesPerSecond()))
          .append(',')
          .append(format(r.learningRate()))
          .append('\n');
    }
    return sb.toString();
  }

  /** Reads a CSV written by {@link #toCsv()}; unreadable lines are skipped, not fatal. */
  public static LossLog parse(String csv) {
    LossLog log = new LossLog();
    String[] lines = csv.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split(",");
      if (f.length != 3 + TrainingEvent.LOSS_TERMS.size() + 2) {
        continue;
      }
      try {
        List<Double> losses = new ArrayList<>();
        for (int k = 0; k < TrainingEvent.LOSS_TERMS.size(); k++) {
          losses.add(Double.parseDouble(f[3 + k]));
        }
        log.add(
            new LossRow(
                Integer.parseInt(f[0]),
                Integer.parseInt(f[1]),
                Long.parseLong(f[2]),
                losses,
                Double.parseDouble(f[f.length - 2]),
                Double.parseDouble(f[f.length - 1])));
      } catch (NumberFormatException e) {
        // A line cut by a hand edit: the report just lacks that point.
      }
    }
    return log;
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
