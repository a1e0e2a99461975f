package io.cyclegan.training.artifacts;

import io.cyclegan.common.store.ObjectKeys;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The keys a job writes, beside the shared layout of {@link ObjectKeys}. */
public final class JobKeys {
  private JobKeys() {}

  /**
   * {@code models/{model}/{version}/checkpoints/epoch-{n}.e{lease}.ckpt} at an epoch boundary,
   * {@code epoch-{n}-step-{k}.e{lease}.ckpt} when written mid-epoch (on shutdown or rebalance). The
   * lease epoch makes every key the object of one lease holder only: a worker that lost the lease
   * and writes late can never overwrite the checkpoint of the worker that took the job over.
   *
   * @param epochsDone epochs completed
   * @param stepInEpoch steps done in the next epoch
   * @param leaseEpoch the epoch of the writer's lease ({@code jobs/{id}/lease.json})
   */
  public static String checkpoint(
      String model, String version, int epochsDone, int stepInEpoch, long leaseEpoch) {
    return checkpointPrefix(model, version)
        + new CheckpointName(epochsDone, stepInEpoch, leaseEpoch).fileName();
  }

  /** {@code models/{model}/{version}/checkpoints/} */
  public static String checkpointPrefix(String model, String version) {
    return ObjectKeys.modelVersionPrefix(model, version) + "checkpoints/";
  }

  /**
   * The newest checkpoint among {@code keys} (any keys; others are passed over): the one of the
   * highest lease epoch, then the furthest position. A later lease holder's checkpoint always wins,
   * so one that a worker wrote after losing the job is never chosen over its successor's.
   */
  public static Optional<String> newestCheckpoint(Collection<String> keys) {
    return keys.stream()
        .filter(k -> CheckpointName.parse(k).isPresent())
        .max(
            Comparator.comparing(k -> CheckpointName.parse(k).orElseThrow(), CheckpointName.ORDER));
  }

  /**
   * The name of a checkpoint object: {@code epoch-N[-step-K][.eL].ckpt}. Checkpoints written before
   * keys carried the lease epoch have none; they read as lease epoch 0, older than any lease.
   *
   * @param epoch epochs completed
   * @param stepInEpoch steps done in the next epoch
   * @param leaseEpoch the writer's lease epoch; 0 for a key without one
   */
  public record CheckpointName(int epoch, int stepInEpoch, long leaseEpoch) {
    private static final Pattern NAME =
        Pattern.compile("(?:.*/)?epoch-(\\d{1,9})(?:-step-(\\d{1,9}))?(?:\\.e(\\d{1,18}))?\\.ckpt");

    /** Lease epoch first, then position. */
    public static final Comparator<CheckpointName> ORDER =
        Comparator.comparingLong(CheckpointName::leaseEpoch)
            .thenComparingInt(CheckpointName::epoch)
            .thenComparingInt(CheckpointName::stepInEpoch);

    /** The name of {@code key} (a whole key or its last part), if it is a checkpoint's. */
    public static Optional<CheckpointName> parse(String key) {
      Matcher m = NAME.matcher(key);
      if (!m.matches()) {
        return Optional.empty();
      }
      return Optional.of(
          new CheckpointName(
              Integer.parseInt(m.group(1)),
              m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
              m.group(3) == null ? 0 : Long.parseLong(m.group(3))));
    }

    String fileName() {
      return "epoch-"
          + epoch
          + (stepInEpoch == 0 ? "" : "-step-" + stepInEpoch)
          + (leaseEpoch == 0 ? "" : ".e" + leaseEpoch)
          + ".ckpt";
    }
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
