package io.cyclegan.inference.models;

import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted models topic from the beginning, without a consumer group (every worker must
 * see every announcement, and the newest per model survives compaction), and hands each
 * announcement on.
 */
public final class AnnouncementListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AnnouncementListener.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Consumer<ModelAnnouncement> onAnnouncement;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  public AnnouncementListener(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      Consumer<ModelAnnouncement> onAnnouncement) {
    this.consumer = consumer;
    this.topic = topic;
    this.onAnnouncement = onAnnouncement;
    this.thread = new Thread(this::run, "inference-models");
    thread.setDaemon(true);
  }

  public synchronized void start() {
    thread.start();
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r);
        }
      }
    } catch (WakeupException e) {
      // close() woke us up
    } catch (RuntimeException e) {
      log.error("models topic {}: listener stopped: {}", topic, e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
      stopped.countDown();
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
    consumer.wakeup();
    try {
      stopped.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
