package io.cyclegan.training.job;

/**
 * Why a running job was asked to stop before its last epoch, weakest first: when several reasons
 * arrive, the strongest wins (abandoning over a user's cancel over a checkpointing stop).
 */
public enum StopReason {
  /** The worker is shutting down: checkpoint, leave the command uncommitted. */
  SHUTDOWN,
  /** The job's partition is being revoked (rebalance): checkpoint, leave it uncommitted. */
  REVOKED,
  /** A user's cancel command: the job ends cancelled and its command is committed. */
  CANCEL,
  /**
   * The partition was lost (the group already gave it away) or the worker is simulating a crash:
   * write nothing, since another worker may own the job now.
   */
  ABANDON;

  boolean outranks(StopReason other) {
    return strength() > other.strength();
  }

  private int strength() {
    return this == REVOKED ? SHUTDOWN.ordinal() : ordinal();
  }
}
