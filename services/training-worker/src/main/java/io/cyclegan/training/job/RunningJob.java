package io.cyclegan.training.job;

import io.cyclegan.common.server.Liveness;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A job running on its own thread; the poll loop holds one at most. */
public final class RunningJob {
  /** The name under which a job thread that died of an Error is reported to the liveness. */
  public static final String JOB_THREAD = "training-job";

  private final JobRunner runner;
  private final Thread thread;
  private final CompletableFuture<JobResult> result = new CompletableFuture<>();

  private RunningJob(JobRunner runner, Liveness liveness) {
    this.runner = runner;
    this.thread =
        new Thread(
            () -> {
              try {
                result.complete(runner.run());
              } catch (Throwable t) {
                // The runner handles every Exception; an Error here (out of memory) leaves the JVM
                // in doubt: report the worker dead, so it restarts and the command is redelivered
                // with the attempt counted, rather than train on in a broken process.
                result.completeExceptionally(t);
                liveness.died(JOB_THREAD, t);
              }
            },
            "training-job-" + runner.spec().jobId());
    thread.setDaemon(true);
  }

  /** Starts the runner on a new thread; an Error that ends it is reported to {@code liveness}. */
  public static RunningJob start(JobRunner runner, Liveness liveness) {
    RunningJob job = new RunningJob(runner, liveness);
    job.thread.start();
    return job;
  }

  public JobSpec spec() {
    return runner.spec();
  }

  /** The state as the run last wrote it. */
  public JobState state() {
    return runner.state();
  }

  /** See {@link JobRunner#repairState}. */
  public void repairState() {
    runner.repairState();
  }

  public void requestStop(StopReason reason) {
    runner.requestStop(reason);
  }

  /** Interrupts the job thread (a simulated crash: blocked reads and sleeps end at once). */
  public void interrupt() {
    thread.interrupt();
  }

  public boolean isDone() {
    return result.isDone();
  }

  /** The result, waiting at most {@code timeout}; empty when the job is still running. */
  public Optional<JobResult> await(Duration timeout) {
    try {
      return Optional.of(result.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      // The runner catches everything; an Error (out of memory) leaves the command for redelivery.
      return Optional.of(new JobResult(spec().jobId(), JobResult.Disposition.LEAVE));
    }
  }
}
