package io.cyclegan.training.job;

/** Where a job is in its life; the last three are final. */
public enum JobStatus {
  accepted,
  running,
  completed,
  failed,
  cancelled;

  /** Completed, failed or cancelled: the command's offset may be committed. */
  public boolean isFinished() {
    return this == completed || this == failed || this == cancelled;
  }
}
