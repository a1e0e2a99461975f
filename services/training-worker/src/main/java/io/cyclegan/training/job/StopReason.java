package io.cyclegan.training.job;

/**
 * Why a running job was asked to stop before its last epoch, weakest first: when several reasons
 * arrive, the strongest wins (abandoning over a user's cancel over a checkpointing stop).
 */
public enum StopReason {
  /** The worker is shutting down: checkpoint, release the lease, leave the job queued. */
  SHUTDOWN,
  /** A user's cancel command: the job ends cancelled and leaves the queue. */
  CANCEL,
  /**
   * The lease was lost (another worker may hold it now) or the worker is simulating a crash: write
   * nothing.
   */
  ABANDON;

  boolean outranks(StopReason other) {
    return ordinal() > other.ordinal();
  }
}
