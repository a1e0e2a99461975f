package io.cyclegan.common.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads one page of a dead-letter topic: assigns its partitions one after the other, seeks to the
 * cursor's offsets and reads at most {@code limit} records, so a call costs O(page), never the
 * whole topic. The consumer has no group ({@code assign}, never {@code subscribe}): reading takes
 * nothing from the services' groups and commits nothing. Kafka consumers are not thread-safe; the
 * caller uses one consumer from one thread at a time.
 */
public final class DeadLetterReader {
  private static final Duration MAX_POLL = Duration.ofSeconds(1);

  private final Consumer<byte[], byte[]> consumer;
  private final Duration timeout;

  /**
   * @param timeout how long one page may take (metadata, offsets and records together)
   */
  public DeadLetterReader(Consumer<byte[], byte[]> consumer, Duration timeout) {
    this.consumer = consumer;
    this.timeout = timeout;
  }

  /**
   * A page of at most {@code limit} records from {@code cursor} (or from the beginning, stopping at
   * each partition's end as it is now); empty when the topic does not exist.
   *
   * @throws TimeoutException when the page is not read within the timeout
   */
  public Optional<DeadLetterPage> page(String dlq, DeadLetterCursor cursor, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    List<PartitionInfo> infos = consumer.partitionsFor(dlq, timeout);
    if (infos == null || infos.isEmpty()) {
      return Optional.empty();
    }
    List<TopicPartition> partitions =
        infos.stream()
            .map(i -> new TopicPartition(dlq, i.partition()))
            .sorted(Comparator.comparingInt(TopicPartition::partition))
            .toList();
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    Map<Integer, Long> next = new TreeMap<>();
    Map<Integer, Long> stop = new TreeMap<>();
    for (TopicPartition tp : partitions) {
      int p = tp.partition();
      long last = end.get(tp);
      long bound = cursor == null ? last : Math.min(cursor.stop().getOrDefault(p, last), last);
      long from = cursor == null ? 0L : cursor.next().getOrDefault(p, 0L);
      stop.put(p, bound);
      next.put(p, Math.min(Math.max(from, begin.get(tp)), bound));
    }
    List<DeadLetterEntry> entries = new ArrayList<>();
    try {
      read(partitions, next, stop, limit, entries);
    } finally {
      consumer.unsubscribe();
    }
    boolean more = next.entrySet().stream().anyMatch(e -> e.getValue() < stop.get(e.getKey()));
    return Optional.of(
        new DeadLetterPage(
            entries, more ? Optional.of(new DeadLetterCursor(next, stop)) : Optional.empty()));
  }

  private void read(
      List<TopicPartition> partitions,
      Map<Integer, Long> next,
      Map<Integer, Long> stop,
      int limit,
      List<DeadLetterEntry> entries) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (TopicPartition tp : partitions) {
      int p = tp.partition();
      long bound = stop.get(p);
      if (entries.size() >= limit || next.get(p) >= bound) {
        continue;
      }
      consumer.assign(List.of(tp));
      consumer.seek(tp, next.get(p));
      while (entries.size() < limit && next.get(p) < bound) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("reading " + tp + " took longer than " + timeout);
        }
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(Duration.ofNanos(Math.min(left, MAX_POLL.toNanos())));
        boolean full = false;
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          if (r.offset() >= bound) {
            break;
          }
          entries.add(DeadLetterEntry.of(r));
          next.put(p, r.offset() + 1);
          if (entries.size() >= limit) {
            full = true;
            break;
          }
        }
        if (!full) {
          // Past transaction markers and compacted gaps too: they hold offsets but no record.
          next.put(p, Math.min(Math.max(next.get(p), consumer.position(tp)), bound));
        }
      }
    }
  }
}
