package io.cyclegan.training.job;

/**
 * How a job's run ended, for the poll loop.
 *
 * @param jobId the job
 * @param disposition what to do with the command's offset
 */
public record JobResult(String jobId, Disposition disposition) {

  /** What the poll loop does with the command after the run. */
  public enum Disposition {
    /** The job is finished (completed, failed, cancelled): commit the command's offset. */
    COMMIT,
    /**
     * The job stopped unfinished (shutdown, rebalance, crash): commit nothing, so the command is
     * redelivered wherever its partition goes next.
     */
    LEAVE,
    /**
     * The run could not even record its failure (store or Kafka unreachable): read the command
     * again after a pause.
     */
    RETRY
  }
}
