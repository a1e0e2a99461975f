package io.cyclegan.training.commands;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.training.job.JobResult;
import io.cyclegan.training.job.JobSpec;
import io.cyclegan.training.job.RunningJob;
import io.cyclegan.training.job.StopReason;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The group consumer of the command topic, on its own thread, one job at a time.
 *
 * <p>The commit rule: a command's offset is committed when it is fully handled (a duplicate, a
 * rejected or a cancel command at once; a start only when its job ends completed, failed or
 * cancelled). While a job runs every assigned partition is paused and {@code poll} keeps being
 * called, so the member keeps its place in the group however long the job takes ({@code
 * max.poll.interval.ms} is never exceeded) and nothing else is read. {@code max.poll.records} is 1,
 * so no second command is ever in hand when a job starts.
 *
 * <p>On revocation of the running job's partition the job checkpoints and stops before the callback
 * returns, and nothing is committed: the next owner is redelivered the start and resumes. On loss
 * (the group already moved on) the job stops without writing anything.
 *
 * <p>Errors follow pipeline-common's {@link ConsumerErrors}: a command whose handling failed for
 * any reason but a fatal one is read again after the retry policy's backoff (never skipped); a
 * failed poll is retried the same way; a lost position starts again from the earliest command. A
 * fatal error (credentials, rights, a fenced instance, a missing dead-letter topic) ends {@link
 * #run} by throwing, so the thread's {@code Liveness} guard reports the loop dead and the worker
 * exits.
 */
public final class CommandLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CommandLoop.class);
  private static final Duration POLL = Duration.ofMillis(250);

  /** How long a rebalance or shutdown waits for the job to write its checkpoint. */
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final CommandHandler handler;
  private final Function<JobSpec, RunningJob> launcher;
  private final RetryPolicy retry;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean crashing;
  private volatile RunningJob current;
  private TopicPartition currentPartition;
  private long currentOffset;
  private long pausedUntilNanos;
  private int pollFailures;
  private int commandFailures;

  /**
   * @param retry the backoff between reads of a command (or polls) that failed
   */
  public CommandLoop(
      Consumer<byte[], byte[]> consumer,
      String topic,
      CommandHandler handler,
      Function<JobSpec, RunningJob> launcher,
      RetryPolicy retry) {
    this.consumer = consumer;
    this.topic = topic;
    this.handler = handler;
    this.launcher = launcher;
    this.retry = retry;
  }

  /** The job running now, if any. */
  public Optional<JobSpec> runningJob() {
    RunningJob job = current;
    return job == null ? Optional.empty() : Optional.of(job.spec());
  }

  /**
   * Reads commands until {@link #stop} or {@link #crash}.
   *
   * @throws RuntimeException a fatal consumer error ({@link ConsumerErrors.Action#STOP}), after the
   *     running job was abandoned and the consumer closed
   */
  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (!stopping) {
        try {
          pollOnce();
        } catch (WakeupException e) {
          // stop() or crash(): the loop condition decides.
        } catch (RuntimeException e) {
          afterPollError(e);
        }
      }
      leave();
    } catch (RuntimeException e) {
      log.error("command loop failed; the worker no longer reads commands", e);
      abandonCurrent();
      throw e;
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("closing the command consumer: {}", e.toString());
      }
      finished.countDown();
    }
  }

  private void pollOnce() {
    var records = consumer.poll(POLL);
    pollFailures = 0;
    reapFinishedJob();
    if (current == null
        && !consumer.paused().isEmpty()
        && System.nanoTime() - pausedUntilNanos >= 0) {
      consumer.resume(consumer.paused());
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      handle(record);
    }
  }

  /** A poll that failed: fatal errors end the loop, the rest are tried again after a backoff. */
  private void afterPollError(RuntimeException e) {
    switch (ConsumerErrors.classify(e)) {
      case STOP -> throw e;
      case RESET_OFFSETS -> {
        log.warn("committed position lost ({}); reading commands from the earliest", e.toString());
        consumer.seekToBeginning(consumer.assignment());
      }
      case RETRY_BATCH -> {
        Duration wait = retry.backoff(++pollFailures);
        log.warn("poll failed ({}); polling again in {} ms", e.toString(), wait.toMillis());
        try {
          Thread.sleep(wait.toMillis()); // backoff between polls, not synchronisation
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    Decision decision;
    try {
      decision = handler.handle(record);
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      if (ConsumerErrors.classify(e) == ConsumerErrors.Action.STOP) {
        throw e;
      }
      // Kafka or the store is away (or a fault not foreseen): the command is read again later,
      // never lost, skipped or dead-lettered for it.
      decision = new Decision.Retry(e.toString());
    }
    if (!(decision instanceof Decision.Retry)) {
      commandFailures = 0;
    }
    if (decision instanceof Decision.Launch launch) {
      current = launcher.apply(launch.spec());
      currentPartition = tp;
      currentOffset = record.offset();
      consumer.pause(consumer.assignment());
    } else if (decision instanceof Decision.Retry retry) {
      retryLater(tp, record.offset(), retry.reason());
    } else {
      commit(tp, record.offset());
    }
  }

  private void reapFinishedJob() {
    RunningJob job = current;
    if (job != null && job.isDone()) {
      job.await(Duration.ZERO).ifPresent(this::finish);
    }
  }

  /** Applies the commit rule to a job's result and frees the loop for the next command. */
  private void finish(JobResult result) {
    current = null;
    switch (result.disposition()) {
      case COMMIT -> {
        if (consumer.assignment().contains(currentPartition)) {
          commit(currentPartition, currentOffset);
        }
      }
      case RETRY -> {
        if (consumer.assignment().contains(currentPartition)) {
          retryLater(currentPartition, currentOffset, "job " + result.jobId() + " not recorded");
        }
      }
      case LEAVE -> {
        // Uncommitted on purpose: the command is redelivered to whoever owns the partition next.
      }
    }
  }

  private void commit(TopicPartition tp, long offset) {
    try {
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
    } catch (WakeupException e) {
      // A wakeup (stop) must not lose the commit; it fires once, so the second try goes through.
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
    } catch (KafkaException e) {
      // Rebalance in between: the command is redelivered and then found finished in state.json.
      log.warn("commit of {}@{} failed ({}); it will be redelivered", tp, offset, e.toString());
    }
  }

  private void retryLater(TopicPartition tp, long offset, String reason) {
    Duration wait = retry.backoff(++commandFailures);
    log.warn(
        "command at {}@{} will be read again in {} ms: {}", tp, offset, wait.toMillis(), reason);
    consumer.seek(tp, offset);
    consumer.pause(consumer.assignment());
    pausedUntilNanos = System.nanoTime() + wait.toNanos();
  }

  /** After stop(): let the job checkpoint, commit if it happened to finish, then close. */
  private void leave() {
    RunningJob job = current;
    if (job == null) {
      return;
    }
    if (crashing) {
      abandonCurrent();
      return;
    }
    Optional<JobResult> result = job.await(STOP_TIMEOUT);
    if (result.isPresent()) {
      finish(result.get());
    } else {
      log.error("job {} did not stop within {}; abandoning it", job.spec().jobId(), STOP_TIMEOUT);
      abandonCurrent();
    }
  }

  private void abandonCurrent() {
    RunningJob job = current;
    if (job != null) {
      job.requestStop(StopReason.ABANDON);
      // Interrupt only a job that does not stop by itself: libtorch state left by a trainer
      // interrupted mid-epoch crashes the JVM once the next trainer runs (see DESIGN.md).
      if (job.await(Duration.ofSeconds(30)).isEmpty()) {
        job.interrupt();
        job.await(Duration.ofSeconds(30));
      }
      current = null;
    }
  }

  /** Graceful stop: the running job checkpoints and stays uncommitted; returns when closed. */
  public void stop(Duration timeout) {
    stopping = true;
    RunningJob job = current;
    if (job != null) {
      job.requestStop(StopReason.SHUTDOWN);
    }
    consumer.wakeup();
    await(timeout);
  }

  /**
   * Simulated crash: the job is abandoned before its next step (nothing written) and the consumer
   * closed without a commit.
   */
  public void crash() {
    crashing = true;
    stopping = true;
    RunningJob job = current;
    if (job != null) {
      // No interrupt (see abandonCurrent): the job drops out before its next step, writing nothing.
      job.requestStop(StopReason.ABANDON);
    }
    consumer.wakeup();
    await(Duration.ofSeconds(60));
  }

  private void await(Duration timeout) {
    try {
      if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("command loop still running after {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the group assigned partitions to this member (for tests and start-up logs). */
  public boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs inside poll(), on the loop thread. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("assigned {}", partitions);
      if (current != null || System.nanoTime() - pausedUntilNanos < 0) {
        consumer.pause(partitions);
      }
      assigned.countDown();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        log.info("revoked {}", partitions);
      }
      RunningJob job = current;
      if (job == null || crashing || !partitions.contains(currentPartition)) {
        return;
      }
      MDC.put("jobId", job.spec().jobId());
      try {
        log.info("partition of job {} revoked: checkpointing and stopping", job.spec().jobId());
        job.requestStop(StopReason.REVOKED);
        Optional<JobResult> result = job.await(STOP_TIMEOUT);
        if (result.isPresent()) {
          // Still the owner inside this callback, so a job that just finished can be committed.
          finish(result.get());
        } else {
          abandonCurrent();
        }
      } finally {
        MDC.remove("jobId");
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("lost {}", partitions);
      RunningJob job = current;
      if (job != null && partitions.contains(currentPartition)) {
        // Another member may own the job already: write nothing more.
        abandonCurrent();
      }
    }
  }
}
