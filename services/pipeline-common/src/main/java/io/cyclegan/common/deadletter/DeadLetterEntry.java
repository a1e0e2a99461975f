package io.cyclegan.common.deadletter;

import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.MessageFormatException;
import java.time.DateTimeException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record of a dead-letter topic and its dead-letter headers.
 *
 * @param letter the parsed {@code cg-error-*} and {@code cg-source-*} headers, or null when they
 *     are missing or malformed (then {@code problem} says why)
 */
public record DeadLetterEntry(
    ConsumerRecord<byte[], byte[]> record, DeadLetter letter, String problem) {

  /** Reads the headers of a DLQ record; a record without valid ones is kept with the reason. */
  public static DeadLetterEntry of(ConsumerRecord<byte[], byte[]> record) {
    try {
      return new DeadLetterEntry(record, DeadLetter.fromHeaders(record.headers()), null);
    } catch (MessageFormatException | IllegalArgumentException | DateTimeException e) {
      return new DeadLetterEntry(record, null, e.getMessage());
    }
  }
}
