package io.cyclegan.training.commands;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.common.fault.RetryPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group consumer of the command topic, on its own thread. It never runs a job: a start is
 * accepted into the fleet's queue (state.json, then the queue entry) and its offset committed, so
 * the consumer is never paused behind a long job, and a cancel is read within a poll whatever runs
 * where. Jobs are run by the {@code JobScheduler} of whichever worker is idle.
 *
 * <p>The commit rule: a command's offset is committed once it is fully handled, which for a start
 * means its job is durably queued (or refused, or a duplicate). A command whose handling failed
 * (Kafka or the store away) is read again after the retry policy's backoff, never skipped.
 *
 * <p>Errors follow pipeline-common's {@link ConsumerErrors}: a failed poll is retried the same way;
 * a lost position starts again from the earliest command (every command is idempotent). A fatal
 * error (credentials, rights, a fenced instance, a missing dead-letter topic) ends {@link #run} by
 * throwing, so the thread's {@code Liveness} guard reports the loop dead and the worker exits.
 */
public final class CommandLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CommandLoop.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final CommandHandler handler;
  private final RetryPolicy retry;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private volatile boolean stopping;
  private long pausedUntilNanos;
  private int pollFailures;
  private int commandFailures;

  /**
   * @param retry the backoff between reads of a command (or polls) that failed
   */
  public CommandLoop(
      Consumer<byte[], byte[]> consumer, String topic, CommandHandler handler, RetryPolicy retry) {
    this.consumer = consumer;
    this.topic = topic;
    this.handler = handler;
    this.retry = retry;
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
    } catch (RuntimeException e) {
      log.error("command loop failed; the worker no longer reads commands", e);
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
    if (!consumer.paused().isEmpty() && System.nanoTime() - pausedUntilNanos >= 0) {
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
    if (decision instanceof Decision.Retry retry) {
      retryLater(tp, record.offset(), retry.reason());
    } else {
      commit(tp, record.offset());
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

  /** Stops reading commands; returns when the consumer is closed. */
  public void stop(Duration timeout) {
    stopping = true;
    consumer.wakeup();
    await(timeout);
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
      if (System.nanoTime() - pausedUntilNanos < 0) {
        consumer.pause(partitions);
      }
      assigned.countDown();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        log.info("revoked {}", partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("lost {}", partitions);
    }
  }
}
