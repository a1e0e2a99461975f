package io.cyclegan.training.job;

import io.cyclegan.common.store.StoreUnavailableException;
import io.cyclegan.training.metrics.TrainingMetrics;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's writes under its lease (docs/reliability.md, "Why a stale write is never used"). Right
 * before each write the lease is confirmed in the store (still this run's claim, still valid by
 * this worker's clock), and before a state write the stored state is read too: one written under a
 * higher lease epoch means another worker runs the job now. A refused write is counted, the fence
 * is given up, and {@link Fence.LeaseLostException} stops the run without writing anything more.
 *
 * <p>Two reasons a run does not go on, told apart in the log and in {@code
 * cyclegan_training_run_interruptions_total{cause}}: {@code lease_unconfirmed}, the lease ran out
 * before it could be confirmed again (the store unreachable or slow, or this worker stalled), and
 * the run waits; {@code lease_taken}, another worker holds the lease now, and the run stops for
 * good.
 */
public final class FencedWrites {
  private static final Logger log = LoggerFactory.getLogger(FencedWrites.class);

  private final String jobId;
  private final JobStore jobs;
  private final Fence fence;
  private final TrainingMetrics metrics;
  private boolean stopCounted;

  public FencedWrites(String jobId, JobStore jobs, Fence fence, TrainingMetrics metrics) {
    this.jobId = jobId;
    this.jobs = jobs;
    this.fence = fence;
    this.metrics = metrics;
  }

  /**
   * Writes the job's state stamped with the lease epoch, only while the lease is this run's: a
   * write that waits for the store beyond the lease gives up, waits until the lease is confirmed,
   * and is done again (it is a whole document).
   *
   * @param giveUp stops waiting for the lease to be confirmed (the run was abandoned)
   * @throws Fence.LeaseLostException when the lease is lost: nothing was written
   */
  public JobState writeState(JobState next, BooleanSupplier giveUp) {
    while (true) {
      awaitValid(giveUp);
      try {
        if (!confirm("state")) {
          continue; // the lease ran out meanwhile: wait until it is confirmed again
        }
        JobStore bounded = jobs.until(fence.validUntil());
        Optional<Long> stored = bounded.read(jobId).map(JobState::leaseEpoch);
        if (stored.isPresent() && stored.get() > fence.epoch()) {
          throw refuse(
              "state",
              new Fence.LeaseLostException(
                  "job "
                      + jobId
                      + ": its state was written under lease epoch "
                      + stored.get()
                      + ", after this worker's "
                      + fence.epoch()));
        }
        return bounded.write(next.underLease(fence.epoch()));
      } catch (StoreUnavailableException e) {
        if (giveUp.getAsBoolean()) {
          throw e;
        }
        // A store outage is transient: wait it out (once the lease runs out meanwhile, the next
        // round waits until it is renewed, or stops if another worker took the job).
        log.warn("job {}: the store is away while writing its state; trying again", jobId);
      }
    }
  }

  /**
   * Returns when this run may write other objects of the job now ({@code checkpoint}, the published
   * {@code model}): its lease confirmed in the store.
   *
   * @throws Fence.LeaseLostException when the lease is lost
   */
  public void beforeWrite(String write, BooleanSupplier giveUp) {
    while (true) {
      awaitValid(giveUp);
      try {
        if (confirm(write)) {
          return;
        }
      } catch (StoreUnavailableException e) {
        if (giveUp.getAsBoolean()) {
          throw e;
        }
        // As in writeState: the store's retry budget for one read ran out, not the outage.
        log.warn("job {}: the store is away while confirming its lease; trying again", jobId);
      }
    }
  }

  /** The lease epoch the writes carry (in checkpoint keys and {@code leaseEpoch}). */
  public long epoch() {
    return fence.epoch();
  }

  private boolean confirm(String write) {
    try {
      return fence.confirm(jobId);
    } catch (Fence.LeaseLostException e) {
      throw refuse(write, e);
    }
  }

  private Fence.LeaseLostException refuse(String write, Fence.LeaseLostException e) {
    fence.abandon();
    metrics.fencedWriteRefused(write);
    log.warn(
        "job {}: {} not written, stopping here: another worker runs the job now ({})",
        jobId,
        write,
        e.getMessage());
    countStop();
    return e;
  }

  /**
   * Returns while the lease is valid, waiting while it is being confirmed (the store was away, or
   * this worker stalled past its validity).
   *
   * @param giveUp stops the wait: true at once when nobody renews the lease meanwhile
   * @throws Fence.LeaseLostException when another worker holds it now, or the wait was given up
   */
  public void awaitValid(BooleanSupplier giveUp) {
    if (fence.isValid()) {
      return;
    }
    if (fence.takenBy().isEmpty() && !giveUp.getAsBoolean()) {
      log.warn(
          "job {} paused: its lease ran out before it could be confirmed again (the store"
              + " unreachable or slow, or this worker stalled); waiting to confirm it",
          jobId);
      metrics.runInterrupted("lease_unconfirmed");
      try {
        if (fence.awaitValid(giveUp)) {
          log.info("job {} goes on: its lease is confirmed", jobId);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Optional<String> holder = fence.takenBy();
    if (holder.isPresent()) {
      log.warn(
          "job {} stops here: another worker took it over (its lease is held by {}); this"
              + " worker writes nothing more of it",
          jobId,
          holder.get());
      countStop();
      throw new Fence.LeaseLostException(
          "job " + jobId + ": its lease is held by " + holder.get() + " now");
    }
    throw new Fence.LeaseLostException(
        "job " + jobId + ": this worker's lease of epoch " + fence.epoch() + " is no longer valid");
  }

  /** One run stops once: counted once, whichever check found it. */
  private void countStop() {
    if (!stopCounted) {
      stopCounted = true;
      metrics.runInterrupted("lease_taken");
    }
  }
}
