package io.cyclegan.training.fleet;

import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.queue.QueueSnapshot;
import io.cyclegan.training.job.JobResult;
import io.cyclegan.training.job.JobSpec;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStore;
import io.cyclegan.training.job.RunningJob;
import io.cyclegan.training.job.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker's share of the fleet, on its own thread: while idle it looks at the queue every second
 * and claims the oldest job whose lease is free; while a job runs it renews the job's lease, stops
 * the job at once (writing nothing) when the lease is lost, and passes on a cancel recorded in the
 * store. When the job ends it takes the job out of the queue (finished) or releases the lease
 * (stopped in order), so the next worker need not wait for the lease to run out.
 *
 * <p>Whatever partition a start command landed on, any idle worker runs the job: the command
 * consumer only puts jobs in the queue. A job waits only while every worker is busy.
 */
public final class JobScheduler implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);

  /** How often an idle worker looks at the queue. */
  static final Duration IDLE_SCAN = Duration.ofSeconds(1);

  /** How often a busy worker looks at the queue (only to keep the snapshot true). */
  static final Duration BUSY_SCAN = Duration.ofSeconds(5);

  private static final Duration TICK = Duration.ofMillis(250);

  /** How long a shutdown waits for the running job to write its checkpoint. */
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  private final JobQueue queue;
  private final Leases leases;
  private final JobStore jobs;
  private final JobLauncher launcher;
  private final FleetMetrics metrics;
  private final RetryPolicy retry;
  private final CountDownLatch wake = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Map<String, Long> notBeforeNanos = new HashMap<>();
  private final Map<String, Integer> retries = new HashMap<>();
  private volatile boolean stopping;
  private volatile boolean crashing;
  private volatile RunningJob current;
  private Leases.Held held;
  private JobQueue.Entry entry;
  private long nextRenewNanos;
  private long nextScanNanos;
  private long stopDeadlineNanos;
  private QueueSnapshot lastSnapshot;

  public JobScheduler(
      JobQueue queue,
      Leases leases,
      JobStore jobs,
      JobLauncher launcher,
      FleetMetrics metrics,
      RetryPolicy retry) {
    this.queue = queue;
    this.leases = leases;
    this.jobs = jobs;
    this.launcher = launcher;
    this.metrics = metrics;
    this.retry = retry;
  }

  /** The job running here now, if any. */
  public Optional<JobSpec> runningJob() {
    RunningJob job = current;
    return job == null ? Optional.empty() : Optional.of(job.spec());
  }

  @Override
  public void run() {
    try {
      while (!(stopping && current == null)) {
        try {
          if (current != null) {
            tend();
          }
          if (!stopping && System.nanoTime() - nextScanNanos >= 0) {
            scan();
            nextScanNanos = System.nanoTime() + (current == null ? IDLE_SCAN : BUSY_SCAN).toNanos();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          // The store away, mostly: the queue is looked at again at the next scan.
          log.warn("training scheduler: {}", e.toString());
        }
        if (!stopping) {
          wake.await(TICK.toMillis(), TimeUnit.MILLISECONDS);
        } else if (current != null) {
          Thread.sleep(TICK.toMillis()); // the cadence of renewals while the job checkpoints
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      metrics.held(false);
      finished.countDown();
    }
  }

  /** While a job runs: renew its lease, pass on a cancel, and dispose of it when it ends. */
  private void tend() {
    RunningJob job = current;
    if (job.isDone()) {
      job.await(Duration.ZERO).ifPresent(this::dispose);
      return;
    }
    if (stopping && !crashing) {
      job.requestStop(StopReason.SHUTDOWN); // also a job launched while stop() was called
    }
    if (stopping && stopDeadlineNanos != 0 && System.nanoTime() - stopDeadlineNanos >= 0) {
      log.error("job {} did not stop within {}; abandoning it", job.spec().jobId(), STOP_TIMEOUT);
      job.requestStop(StopReason.ABANDON);
      held.abandon();
      current = null;
      return;
    }
    if (crashing || System.nanoTime() - nextRenewNanos < 0) {
      return;
    }
    if (held.renew()) {
      metrics.lease("renewed");
      nextRenewNanos = System.nanoTime() + leases.renewEvery().toNanos();
      if (!stopping && cancelRequested(job.spec().jobId())) {
        log.info("cancel of job {} found in the store", job.spec().jobId());
        job.requestStop(StopReason.CANCEL);
      }
      checkStoredState(job);
    } else if (held.isLost()) {
      log.warn(
          "job {} lost its lease to {}: stopping it without writing anything",
          job.spec().jobId(),
          held.takenBy().orElse("another worker"));
      metrics.lease("lost");
      job.requestStop(StopReason.ABANDON);
    } else {
      nextRenewNanos = System.nanoTime() + TICK.toNanos() * 4; // not renewed: try again soon
    }
  }

  /**
   * A state.json written under an older lease epoch than this worker's, after this run had written
   * its own, comes from a worker that lost the lease but wrote after all (a pause between its check
   * and its write): the run writes its state again (on its own thread, so no newer write of its own
   * is overwritten).
   */
  private void checkStoredState(RunningJob job) {
    Long ours = job.state().leaseEpoch();
    if (ours == null || ours != held.epoch()) {
      return; // the run has not written under this lease yet
    }
    try {
      jobs.read(job.spec().jobId())
          .map(JobState::leaseEpoch)
          .filter(stored -> stored < held.epoch())
          .ifPresent(
              stored -> {
                metrics.lease("stale_state_repaired");
                job.repairState();
              });
    } catch (RuntimeException e) {
      // Looked at again at the next renewal.
    }
  }

  private boolean cancelRequested(String jobId) {
    try {
      return queue.cancelRequested(jobId);
    } catch (RuntimeException e) {
      return false; // looked at again at the next renewal
    }
  }

  /** What the end of a run means for the queue and the lease. */
  private void dispose(JobResult result) {
    String jobId = result.jobId();
    current = null;
    metrics.held(false);
    switch (result.disposition()) {
      case COMMIT -> {
        try {
          queue.remove(jobId, entry.queuedAt());
          retries.remove(jobId);
        } catch (RuntimeException e) {
          // Still queued: whoever takes it next finds it finished and finishes it again.
          log.warn("job {} finished but is still queued ({})", jobId, e.toString());
        }
        release();
      }
      case RETRY -> {
        int n = retries.merge(jobId, 1, Integer::sum);
        Duration wait = retry.backoff(n);
        notBeforeNanos.put(jobId, System.nanoTime() + wait.toNanos());
        log.warn("job {} is taken up again in {} ms", jobId, wait.toMillis());
        release();
      }
      case LEAVE -> {
        if (crashing || held.isLost()) {
          held.abandon(); // another worker may hold it already: write nothing
        } else {
          release();
        }
      }
    }
    leases.forget(jobId);
    held = null;
    entry = null;
    nextScanNanos = System.nanoTime();
  }

  private void release() {
    held.release();
    metrics.lease("released");
  }

  /** Looks at the queue; when idle, takes the oldest free job. Keeps the snapshot true. */
  private void scan() throws InterruptedException {
    List<JobQueue.Entry> entries = queue.list();
    List<QueueSnapshot.Waiting> waiting = new ArrayList<>();
    List<QueueSnapshot.Running> running = new ArrayList<>();
    for (JobQueue.Entry e : entries) {
      String jobId = e.jobId();
      if (entry != null && entry.jobId().equals(jobId)) {
        running.add(
            new QueueSnapshot.Running(jobId, leases.workerId(), held.epoch(), e.queuedAt()));
        continue;
      }
      Optional<Lease> lease = leases.read(jobId);
      if (!leases.looksFree(jobId, lease)) {
        Lease l = lease.orElseThrow();
        running.add(new QueueSnapshot.Running(jobId, l.worker(), l.epoch(), e.queuedAt()));
        continue;
      }
      if (current == null && !stopping && mayTry(jobId)) {
        Optional<Leases.Held> won = leases.tryAcquire(jobId, lease);
        if (won.isEmpty()) {
          metrics.lease("race_lost");
        } else {
          metrics.lease("acquired");
          Taken taken = takeOn(e, won.get());
          if (taken == Taken.RUNNING) {
            running.add(
                new QueueSnapshot.Running(jobId, leases.workerId(), held.epoch(), e.queuedAt()));
            continue;
          }
          if (taken == Taken.ENDED) {
            continue;
          }
        }
      }
      waiting.add(new QueueSnapshot.Waiting(jobId, waiting.size() + 1, e.queuedAt()));
    }
    metrics.queue(waiting.size(), running.size());
    QueueSnapshot snapshot =
        new QueueSnapshot(QueueSnapshot.SCHEMA, Instant.now(), waiting, running);
    if (!snapshot.sameAs(lastSnapshot)) {
      queue.writeSnapshot(snapshot);
      lastSnapshot = snapshot;
    }
  }

  private boolean mayTry(String jobId) {
    Long notBefore = notBeforeNanos.get(jobId);
    if (notBefore == null) {
      return true;
    }
    if (System.nanoTime() - notBefore >= 0) {
      notBeforeNanos.remove(jobId);
      return true;
    }
    return false;
  }

  private enum Taken {
    /** It runs here now. */
    RUNNING,
    /** It is out of the queue (it had ended, or was ended without running). */
    ENDED,
    /** It could not be taken up now; it stays queued and is tried again after a backoff. */
    LATER
  }

  /**
   * Runs the leased job, or ends it when it must not run. Whatever fails on the way releases the
   * lease, and the job is tried again later.
   */
  private Taken takeOn(JobQueue.Entry e, Leases.Held lease) {
    String jobId = e.jobId();
    MDC.put("jobId", jobId);
    try {
      Optional<JobState> state = jobs.read(jobId);
      if (state.isEmpty()) {
        log.warn("queued job {} has no state; taking it out of the queue", jobId);
        queue.remove(jobId, e.queuedAt());
        lease.release();
        return Taken.ENDED;
      }
      if (state.get().state().isFinished()) {
        launcher.finishAgain(state.get());
        queue.remove(jobId, e.queuedAt());
        lease.release();
        return Taken.ENDED;
      }
      if (launcher.endWithoutRunning(state.get(), cancelRequested(jobId), lease)) {
        queue.remove(jobId, e.queuedAt());
        lease.release();
        return Taken.ENDED;
      }
      held = lease;
      entry = e;
      nextRenewNanos = System.nanoTime(); // the claim's wait used part of its validity: renew now
      current = launcher.launch(state.get(), lease);
      metrics.held(true);
      return Taken.RUNNING;
    } catch (RuntimeException ex) {
      log.warn("job {} could not be taken up ({}); it is tried again later", jobId, ex.toString());
      held = null;
      entry = null;
      lease.release();
      notBeforeNanos.put(jobId, System.nanoTime() + retry.backoff(1).toNanos());
      return Taken.LATER;
    } finally {
      MDC.remove("jobId");
    }
  }

  /**
   * Graceful stop: the running job checkpoints and releases its lease (the next worker takes it at
   * once); returns when the scheduler has ended or {@code timeout} passed.
   */
  public void stop(Duration timeout) {
    stopDeadlineNanos = System.nanoTime() + STOP_TIMEOUT.toNanos();
    stopping = true;
    RunningJob job = current;
    if (job != null) {
      job.requestStop(StopReason.SHUTDOWN);
    }
    wake.countDown();
    await(timeout);
  }

  /**
   * Simulated crash: the job drops out before its next step, nothing more is written (no release:
   * the lease runs out, as when the process dies).
   */
  public void crash() {
    crashing = true;
    Leases.Held lease = held;
    if (lease != null) {
      lease.abandon();
    }
    RunningJob job = current;
    if (job != null) {
      job.requestStop(StopReason.ABANDON);
    }
    stopDeadlineNanos = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    stopping = true;
    wake.countDown();
    await(Duration.ofSeconds(60));
  }

  private void await(Duration timeout) {
    try {
      if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("training scheduler still running after {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
