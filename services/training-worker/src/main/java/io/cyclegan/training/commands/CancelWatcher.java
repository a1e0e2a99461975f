package io.cyclegan.training.commands;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.TrainingCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the command topic with a second consumer that belongs to no group
 * (assigned partitions, no commits) and records each {@code cancel} in {@link CancelRequests}.
 *
 * <p>Why a second consumer: the group consumer pauses its partitions while a job runs, and a cancel
 * is keyed by the job id, so it sits on the paused partition right behind its start; only a reader
 * outside the group sees it within seconds. It starts at the group's committed offsets (the oldest
 * command not yet done) rather than at the end, so a cancel sent while no worker was up is still
 * seen when the start it follows is redelivered.
 *
 * <p>Partitions added to the topic later (to scale out the workers) are picked up within {@code
 * partitionCheck} and read from their beginning: a new partition holds only commands sent after it
 * was made.
 *
 * <p>A broker that is away, at start-up or later, is waited for: finding the partitions and each
 * poll are tried again with the retry policy's backoff for as long as it takes ({@link
 * ConsumerErrors}). Only a fatal error (credentials, rights) ends {@link #run} by throwing, so the
 * thread's {@code Liveness} guard reports the watcher dead.
 */
public final class CancelWatcher implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CancelWatcher.class);

  /** How often a running watcher looks for new partitions unless told otherwise. */
  public static final Duration DEFAULT_PARTITION_CHECK = Duration.ofSeconds(30);

  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  private final Admin admin;
  private final String topic;
  private final String group;
  private final CancelRequests requests;
  private final Duration partitionCheck;
  private final RetryPolicy retry;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile Consumer<byte[], byte[]> consumer;

  /**
   * @param partitionCheck how often to look for partitions added to the topic ({@link
   *     #DEFAULT_PARTITION_CHECK} in a worker)
   * @param retry the backoff while the broker is away
   */
  public CancelWatcher(
      Supplier<Consumer<byte[], byte[]>> consumerFactory,
      Admin admin,
      String topic,
      String group,
      CancelRequests requests,
      Duration partitionCheck,
      RetryPolicy retry) {
    this.consumerFactory = consumerFactory;
    this.admin = admin;
    this.topic = topic;
    this.group = group;
    this.requests = requests;
    this.partitionCheck = partitionCheck;
    this.retry = retry;
  }

  /**
   * Watches until {@link #close}.
   *
   * @throws RuntimeException a fatal consumer error ({@link ConsumerErrors.Action#STOP})
   */
  @Override
  public void run() {
    started = true;
    try (Consumer<byte[], byte[]> c = consumerFactory.get()) {
      consumer = c;
      if (!assignAll(c)) {
        return;
      }
      ready.countDown();
      long nextCheck = System.nanoTime() + partitionCheck.toNanos();
      int failures = 0;
      while (running) {
        try {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            recordIfCancel(r);
          }
          failures = 0;
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          failures++;
          if (ConsumerErrors.classify(e) == ConsumerErrors.Action.RESET_OFFSETS) {
            c.seekToBeginning(c.assignment());
          } else {
            backOff("poll", e, failures);
          }
        }
        if (System.nanoTime() - nextCheck >= 0) {
          followNewPartitions(c);
          nextCheck = System.nanoTime() + partitionCheck.toNanos();
        }
      }
    } catch (WakeupException e) {
      // close() woke us up: fall through and close the consumer.
    } catch (RuntimeException e) {
      if (running) {
        log.error("cancel watcher stopped: cancels will only be seen between jobs", e);
        throw e;
      }
    } finally {
      stopped.countDown();
    }
  }

  /**
   * Assigns every partition of the topic, positioned at the group's committed offsets; while the
   * broker is away, tries again after a backoff. False when closed first.
   */
  private boolean assignAll(Consumer<byte[], byte[]> c) {
    for (int attempt = 1; running; attempt++) {
      try {
        List<TopicPartition> partitions =
            c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
          throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(
              "no partitions of " + topic + " yet");
        }
        c.assign(partitions);
        Map<TopicPartition, Long> start = startOffsets(Set.copyOf(partitions));
        c.seekToBeginning(partitions);
        start.forEach(c::seek);
        log.info("watching {} partitions of {} for cancels", partitions.size(), topic);
        return true;
      } catch (WakeupException e) {
        throw e;
      } catch (RuntimeException e) {
        backOff("finding the partitions of " + topic, e, attempt);
      }
    }
    return false;
  }

  /** Fatal errors end the watcher; the rest wait a backoff (cut short by close()). */
  private void backOff(String what, RuntimeException e, int attempt) {
    if (ConsumerErrors.classify(e) == ConsumerErrors.Action.STOP) {
      throw e;
    }
    Duration wait = retry.backoff(attempt);
    if (attempt == 1 || attempt % 10 == 0) {
      log.warn(
          "cancel watcher: {} failed ({}), trying again in {} ms (attempt {})",
          what,
          e.toString(),
          wait.toMillis(),
          attempt);
    }
    try {
      closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Waits until the watcher reads its partitions (tests, and start-up ordering). */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Adds partitions created since the last look, from their beginning. */
  private void followNewPartitions(Consumer<byte[], byte[]> c) {
    int count;
    try {
      count =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return;
    } catch (Exception e) {
      log.warn("cannot look for new partitions of {}: {}", topic, e.toString());
      return;
    }
    Set<TopicPartition> assigned = c.assignment();
    if (count <= assigned.size()) {
      return;
    }
    List<TopicPartition> added = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      TopicPartition tp = new TopicPartition(topic, p);
      if (!assigned.contains(tp)) {
        added.add(tp);
      }
    }
    List<TopicPartition> all = new ArrayList<>(assigned);
    all.addAll(added);
    c.assign(all);
    c.seekToBeginning(added);
    log.info("{} now has {} partitions: watching {} more for cancels", topic, count, added);
  }

  private Map<TopicPartition, Long> startOffsets(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new HashMap<>();
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      committed.forEach(
          (tp, om) -> {
            if (om != null && partitions.contains(tp)) {
              out.put(tp, om.offset());
            }
          });
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // From the beginning then: slower, never wrong.
      log.warn("cannot read the committed offsets of group {}: {}", group, e.toString());
    }
    return out;
  }

  private void recordIfCancel(ConsumerRecord<byte[], byte[]> r) {
    try {
      TrainingCommand command = MessageCodec.decode(r.value(), TrainingCommand.class);
      if (!command.isStart()) {
        requests.record(command.jobId(), r.partition(), r.offset(), r.timestamp());
        log.info(
            "cancel for job {} seen at {}-{}@{}",
            command.jobId(),
            r.topic(),
            r.partition(),
            r.offset());
      }
    } catch (MessageFormatException e) {
      // The group consumer dead-letters it; here it is simply not a cancel.
    }
  }

  @Override
  public void close() {
    running = false;
    closing.countDown();
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (!started) {
      return;
    }
    try {
      stopped.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
