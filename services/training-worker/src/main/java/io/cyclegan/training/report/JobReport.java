package io.cyclegan.training.report;

import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.training.artifacts.JobKeys;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/**
 * The human-readable outputs of one job, written beside its state: {@code samples/epoch-{n}.png},
 * {@code losses.csv} and {@code report.html}. Every write replaces a whole object with the same
 * kind of content, so a retry or a resumed run may repeat it. A store outage makes a write wait
 * (the store retries within the outage budget); none of these outputs is ever a reason to fail a
 * job.
 */
public final class JobReport {
  private final ObjectStore store;
  private final String jobId;
  private final String title;
  private final LossLog lossLog = new LossLog();

  public JobReport(ObjectStore store, String jobId, String model, String dataset) {
    this.store = store;
    this.jobId = jobId;
    this.title = "Job " + jobId + ": model " + model + " on dataset " + dataset;
  }

  /**
   * Reads back the losses of an earlier run of the job and cuts them at the step it resumes from,
   * so rows of work that was lost and redone appear once.
   */
  public void resumeAt(long globalStep) {
    store
        .get(JobKeys.losses(jobId))
        .ifPresent(
            csv ->
                LossLog.parse(new String(csv, StandardCharsets.UTF_8))
                    .rows()
                    .forEach(lossLog::add));
    lossLog.truncateAfter(globalStep);
  }

  /** Adds one reading of the losses (written with the next epoch's outputs). */
  public void add(LossRow row) {
    lossLog.add(row);
  }

  /** Writes the sample grid of {@code epoch} (1-based) and the losses so far. */
  public void writeEpoch(int epoch, BufferedImage sampleGrid) {
    byte[] png = ImageValidator.encodePng(sampleGrid);
    store.put(JobKeys.sample(jobId, epoch), png, "image/png");
    store.put(
        JobKeys.losses(jobId),
        lossLog.toCsv().getBytes(StandardCharsets.UTF_8),
        "text/csv; charset=utf-8");
  }

  /**
   * Writes report.html: loss curves and the samples of epochs 1 to {@code epochsDone}.
   *
   * @param state the job's state as the page should show it
   */
  public void writePage(String state, int epochsDone) {
    String html =
        ReportPage.render(
            title, state, lossLog.rows(), IntStream.rangeClosed(1, epochsDone).boxed().toList());
    store.put(
        JobKeys.report(jobId),
        html.getBytes(StandardCharsets.UTF_8),
        // Not "; charset=utf-8": the embedded S3 server (Jetty) rewrites that value and the
        // signature no longer matches; the page declares its charset itself.
        "text/html");
  }
}
