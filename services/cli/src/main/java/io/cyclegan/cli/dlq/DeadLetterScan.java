package io.cyclegan.cli.dlq;

import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a dead-letter topic from its beginning to its end as it is when the scan starts, so a scan
 * ends even while services keep dead-lettering.
 */
final class DeadLetterScan {
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

  /** A DLQ record and its dead-letter headers; {@code letter} is null when they are missing. */
  record Entry(ConsumerRecord<byte[], byte[]> record, DeadLetter letter, String problem) {}

  private DeadLetterScan() {}

  /** The DLQ of {@code topic}, or {@code topic} itself when it already is one. */
  static String dlqTopic(Topics topics, String topic) {
    return topic.endsWith(topics.dlqSuffix()) ? topic : topics.dlq(topic);
  }

  static List<Entry> read(TopicReader reader, String dlqTopic) {
    if (reader.partitions(dlqTopic).isEmpty()) {
      throw new IllegalArgumentException("topic " + dlqTopic + " does not exist");
    }
    List<Entry> entries = new ArrayList<>();
    reader.readRange(
        reader.beginningOffsets(List.of(dlqTopic)),
        reader.endOffsets(List.of(dlqTopic)),
        READ_TIMEOUT,
        record -> entries.add(entry(record)));
    return entries;
  }

  private static Entry entry(ConsumerRecord<byte[], byte[]> record) {
    try {
      return new Entry(record, DeadLetter.fromHeaders(record.headers()), null);
    } catch (MessageFormatException | IllegalArgumentException | java.time.DateTimeException e) {
      return new Entry(record, null, e.getMessage());
    }
  }
}
