package io.cyclegan.cli.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Offsets and bounded reads over a consumer that has no group. The CLI reads with {@code assign}
 * rather than {@code subscribe}: it must see records from a known point (the end before it sent
 * something, or the beginning) and must not take partitions away from the services' groups.
 */
public final class TopicReader {
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;

  public TopicReader(KafkaConsumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
  }

  /** The topic's partitions; empty when the topic does not exist. */
  public List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null) {
      return List.of();
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  /** The next offset to be written in each partition of the topics (those that exist). */
  public Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
    return consumer.endOffsets(partitionsOf(topics));
  }

  public Map<TopicPartition, Long> beginningOffsets(Collection<String> topics) {
    return consumer.beginningOffsets(partitionsOf(topics));
  }

  /**
   * Assigns exactly these partitions and positions each at its offset. The positions are fixed
   * before this returns, so records written afterwards are never missed.
   */
  public void assignAt(Map<TopicPartition, Long> offsets) {
    consumer.assign(offsets.keySet());
    offsets.forEach(consumer::seek);
  }

  /** Polls once: whatever the assigned partitions have, in order per partition. */
  public Iterable<ConsumerRecord<byte[], byte[]>> poll() {
    return consumer.poll(POLL);
  }

  /**
   * Reads every record in {@code [from, to)} of each partition, then returns.
   *
   * @throws TimeoutException when the range is not read within {@code timeout}
   */
  public void readRange(
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    Map<TopicPartition, Long> pending = new HashMap<>();
    from.forEach(
        (tp, start) -> {
          long end = to.getOrDefault(tp, start);
          if (end > start) {
            pending.put(tp, end);
          }
        });
    if (pending.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> starts = new HashMap<>();
    pending.keySet().forEach(tp -> starts.put(tp, from.get(tp)));
    assignAt(starts);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "could not read "
                + pending.keySet()
                + " to their end within "
                + timeout.toSeconds()
                + " s");
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Long end = pending.get(tp);
        if (end != null && record.offset() < end) {
          sink.accept(record);
        }
      }
      // Positions, not record offsets, decide the end: transaction markers and compacted gaps
      // occupy offsets that no record is delivered for.
      pending.keySet().removeIf(tp -> consumer.position(tp) >= pending.get(tp));
    }
  }

  private List<TopicPartition> partitionsOf(Collection<String> topics) {
    return topics.stream().flatMap(t -> partitions(t).stream()).toList();
  }
}
