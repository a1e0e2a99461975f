package io.cyclegan.training.fleet;

import java.time.Instant;

/**
 * The lease document of one job, {@code jobs/{jobId}/lease.json}: who may run the job now.
 *
 * @param schema {@value #SCHEMA}
 * @param jobId the job
 * @param worker the instance id of the holder
 * @param epoch the fencing epoch: one more than the lease it replaced; every state the holder
 *     writes carries it ({@code leaseEpoch})
 * @param renewals how often the holder renewed it: a value that does not change for the lease's
 *     time to live, as another worker sees it on its own clock, means the holder is gone
 * @param released true when the holder gave the job up in order: free at once
 * @param writtenAt the holder's wall clock when written; shown to people, never used to decide
 * @param ttlMs the time to live the holder uses
 */
public record Lease(
    String schema,
    String jobId,
    String worker,
    long epoch,
    long renewals,
    boolean released,
    Instant writtenAt,
    long ttlMs) {

  public static final String SCHEMA = "cyclegan.training.job-lease/v1";

  /** A new lease of {@code jobId} for {@code worker}, replacing one of epoch {@code epoch - 1}. */
  static Lease claim(String jobId, String worker, long epoch, long ttlMs) {
    return new Lease(SCHEMA, jobId, worker, epoch, 0, false, Instant.now(), ttlMs);
  }

  Lease renewed() {
    return new Lease(schema, jobId, worker, epoch, renewals + 1, false, Instant.now(), ttlMs);
  }

  Lease release() {
    return new Lease(schema, jobId, worker, epoch, renewals + 1, true, Instant.now(), ttlMs);
  }

  /** True when this is the lease of epoch {@code fence} held by {@code holder}. */
  boolean isHeldBy(String holder, long fence) {
    return !released && epoch == fence && worker.equals(holder);
  }
}
