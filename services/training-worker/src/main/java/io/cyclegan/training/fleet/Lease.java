package io.cyclegan.training.fleet;

import java.time.Instant;

/**
 * The lease document of one job, {@code jobs/{jobId}/lease.json}: who may run the job now.
 *
 * @param schema {@value #SCHEMA}
 * @param jobId the job
 * @param worker the instance id of the holder
 * @param epoch the fencing epoch: one more than the lease it replaced; every state the holder
 *     writes carries it ({@code leaseEpoch}), and so does every checkpoint key it writes
 * @param renewals how often the holder renewed it: a value that does not change for the lease's
 *     time to live, as another worker sees it on its own clock, means the holder is gone
 * @param released true when the holder gave the job up in order: free at once
 * @param writtenAt the holder's wall clock when written; shown to people, never used to decide
 * @param ttlMs the time to live the holder uses
 * @param incarnation a random id of the holder's process: a lease of this worker's own instance id
 *     but another incarnation was held by an earlier run of this worker, which is dead when the id
 *     is an operator-given stable one (a StatefulSet pod name)
 */
public record Lease(
    String schema,
    String jobId,
    String worker,
    long epoch,
    long renewals,
    boolean released,
    Instant writtenAt,
    long ttlMs,
    String incarnation) {

  public static final String SCHEMA = "cyclegan.training.job-lease/v1";

  /** A new lease of {@code jobId} for {@code worker}, replacing one of epoch {@code epoch - 1}. */
  static Lease claim(String jobId, String worker, long epoch, long ttlMs, String incarnation) {
    return new Lease(SCHEMA, jobId, worker, epoch, 0, false, Instant.now(), ttlMs, incarnation);
  }

  Lease renewed() {
    return new Lease(
        schema, jobId, worker, epoch, renewals + 1, false, Instant.now(), ttlMs, incarnation);
  }

  Lease release() {
    return new Lease(
        schema, jobId, worker, epoch, renewals + 1, true, Instant.now(), ttlMs, incarnation);
  }

  /** True when this is the lease of epoch {@code fence} held by {@code holder} in {@code run}. */
  boolean isHeldBy(String holder, String run, long fence) {
    return !released && epoch == fence && worker.equals(holder) && run.equals(incarnation);
  }
}
