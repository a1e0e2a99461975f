package io.cyclegan.training.job;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The right of this worker to write a job's state, checked before every write of it (the job's
 * lease, see the fleet package). A run whose fence is no longer valid stops before its next step
 * and writes nothing more.
 */
public interface Fence {
  /** The lease epoch the run holds; stamped into every state it writes. */
  long epoch();

  /** True while this worker may still write the job's state. */
  boolean isValid();

  /** When the fence runs out unless renewed (now, when it has). */
  Instant validUntil();

  /**
   * Waits while the fence is not valid but not lost either (the store is away: the lease is
   * confirmed again once it is back); true when valid again, false when lost or {@code giveUp}.
   */
  boolean awaitValid(BooleanSupplier giveUp) throws InterruptedException;

  /**
   * Confirms in the store, immediately before a write, that the lease is still this run's: the
   * lease document is still its claim (same holder, process and epoch) and the fence is still valid
   * by this worker's own clock once the answer is in.
   *
   * @return false when the fence is not valid (any more): wait for it ({@link #awaitValid}) and
   *     confirm again
   * @throws LeaseLostException when another worker's lease is there
   */
  boolean confirm(String jobId);

  /** Gives the fence up without a write: this run must not write anything more. */
  void abandon();

  /**
   * Who holds the job's lease now, once the store showed it is no longer this run's ("worker-b,
   * lease epoch 2"): another worker runs the job, so this run stops for good. Empty while the fence
   * is valid, or not valid only because it could not be confirmed in time (the store unreachable or
   * slow, or this worker stalled): then the run waits for it to be confirmed again.
   */
  Optional<String> takenBy();

  /** A worker that lost the lease of a job must not write its state (see docs/reliability.md). */
  final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message) {
      super(message);
    }
  }
}
