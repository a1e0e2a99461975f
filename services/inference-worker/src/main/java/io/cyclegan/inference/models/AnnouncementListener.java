package io.cyclegan.inference.models;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.server.Liveness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted models topic from the beginning, without a consumer group (every worker must
 * see every announcement, and the newest per model survives compaction), and hands each
 * announcement on.
 *
 * <p>It never gives up on the broker: a broker away at start-up (no partitions to be had) or later
 * is retried after a backoff, as {@link ConsumerErrors} sorts it, and the listener catches up from
 * where it was. Only an error no retry fixes (credentials, rights) ends it, and then the {@link
 * Liveness} reports it dead.
 */
public final class AnnouncementListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AnnouncementListener.class);
  static final String NAME = "inference-models";
  private static final Duration METADATA_WAIT = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Consumer<ModelAnnouncement> onAnnouncement;
  private final RetryPolicy retry;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean assigned;

  public AnnouncementListener(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      Consumer<ModelAnnouncement> onAnnouncement,
      RetryPolicy retry,
      Liveness liveness) {
    this.consumer = consumer;
    this.topic = topic;
    this.onAnnouncement = onAnnouncement;
    this.retry = retry;
    this.thread = liveness.thread(NAME, this::run);
  }

  public synchronized void start() {
    thread.start();
  }

  /** True once the listener reads the topic's partitions. */
  public boolean assigned() {
    return assigned;
  }

  private void run() {
    int failures = 0;
    try {
      while (running) {
        try {
          if (!assigned) {
            assign();
          } else {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              handle(r);
            }
          }
          failures = 0;
        } catch (WakeupException e) {
          return; // close() woke us up
        } catch (RuntimeException e) {
          ConsumerErrors.Action action = ConsumerErrors.classify(e);
          if (action == ConsumerErrors.Action.STOP) {
            throw e; // reported dead by the liveness guard
          }
          if (action == ConsumerErrors.Action.RESET_OFFSETS) {
            consumer.seekToBeginning(consumer.assignment());
          } else {
            failures++;
            Duration wait = retry.backoff(failures);
            if (failures == 1 || failures % 10 == 0) {
              log.warn(
                  "models topic {}: {} (failure {}), again in {} ms",
                  topic,
                  e.toString(),
                  failures,
                  wait.toMillis());
            }
            pause(wait);
          }
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
      stopped.countDown();
    }
  }

  /**
   * Assigns every partition of the topic and reads from the beginning; a broker that is away (or a
   * topic not created yet) throws, to be retried.
   */
  private void assign() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_WAIT);
    if (infos == null || infos.isEmpty()) {
      throw new org.apache.kafka.common.errors.TimeoutException(
          "no partitions of " + topic + " yet");
    }
    List<TopicPartition> partitions =
        infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    assigned = true;
    log.info("models topic {}: reading {} partitions", topic, partitions.size());
  }

  /** The backoff between tries; ends early when the listener is closed. */
  private void pause(Duration wait) {
    try {
      closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return; // a tombstone: the model was withdrawn; requests pinned to it still work
    }
    try {
      ModelAnnouncement a = MessageCodec.decode(r.value(), ModelAnnouncement.class);
      onAnnouncement.accept(a);
    } catch (RuntimeException e) {
      log.warn(
          "models topic {}-{}@{}: ignored: {}", r.topic(), r.partition(), r.offset(), e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (!thread.isAlive() && stopped.getCount() > 0) {
      consumer.close(Duration.ofSeconds(2)); // never started
      stopped.countDown();
      return;
    }
    running = false;
    closing.countDown();
    consumer.wakeup();
    try {
      stopped.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
