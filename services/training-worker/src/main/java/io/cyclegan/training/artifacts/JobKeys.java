package io.cyclegan.training.artifacts;

import io.cyclegan.common.store.ObjectKeys;

/** The keys a job writes, beside the shared layout of {@link ObjectKeys}. */
public final class JobKeys {
  private JobKeys() {}

  /**
   * {@code models/{model}/{version}/checkpoints/epoch-{n}.ckpt} at an epoch boundary, {@code
   * epoch-{n}-step-{k}.ckpt} when written mid-epoch (on shutdown or rebalance).
   *
   * @param epochsDone epochs completed
   * @param stepInEpoch steps done in the next epoch
   */
  public static String checkpoint(String model, String version, int epochsDone, int stepInEpoch) {
    return ObjectKeys.modelVersionPrefix(model, version)
        + "checkpoints/epoch-"
        + epochsDone
        + (stepInEpoch == 0 ? "" : "-step-" + stepInEpoch)
        + ".ckpt";
  }

  /** {@code models/{model}/{version}/config.json}: how the version was trained. */
  public static String modelConfig(String model, String version) {
    return ObjectKeys.modelVersionPrefix(model, version) + "config.json";
  }

  /** {@code jobs/{jobId}/samples/epoch-{n}.png} */
  public static String sample(String jobId, int epoch) {
    return ObjectKeys.jobPrefix(jobId) + "samples/epoch-" + epoch + ".png";
  }

  /** {@code jobs/{jobId}/losses.csv} */
  public static String losses(String jobId) {
    return ObjectKeys.jobPrefix(jobId) + "losses.csv";
  }

  /** {@code jobs/{jobId}/report.html} */
  public static String report(String jobId) {
    return ObjectKeys.jobPrefix(jobId) + "report.html";
  }
}
