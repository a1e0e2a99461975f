package io.cyclegan.training.job;

/** Why a running job was asked to stop before its last epoch. */
public enum StopReason {
  /** A user's cancel command: the job ends cancelled and its command is committed. */
  CANCEL(true, false),
  /** The worker is shutting down: checkpoint, leave the command uncommitted. */
  SHUTDOWN(false, true),
  /** The job's partition is being revoked (rebalance): checkpoint, leave it uncommitted. */
  REVOKED(false, true),
  /**
   * The partition was lost (the group already gave it away) or the worker is simulating a crash:
   * write nothing, since another worker may own the job now.
   */
  ABANDON(false, false);

  private final boolean finishesJob;
  private final boolean checkpoints;

  StopReason(boolean finishesJob, boolean checkpoints) {
    this.finishesJob = finishesJob;
    this.checkpoints = checkpoints;
  }

  public boolean finishesJob() {
    return finishesJob;
  }

  public boolean checkpoints() {
    return checkpoints;
  }
}
