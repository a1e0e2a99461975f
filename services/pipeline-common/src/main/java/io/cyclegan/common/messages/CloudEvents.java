package io.cyclegan.common.messages;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds records with the CloudEvents 1.0 Kafka binary-binding headers, which every message the
 * services produce carries.
 */
public final class CloudEvents {
  private CloudEvents() {}

  /** A JSON message as a record with {@code ce_*} headers; the event type is its schema id. */
  public static ProducerRecord<byte[], byte[]> record(
      String topic, String key, Message message, String source) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            MessageCodec.encode(message));
    add(record, Headers.CE_ID, UUID.randomUUID().toString());
    add(record, Headers.CE_TYPE, message.schema());
    add(record, Headers.CE_SOURCE, source);
    add(record, Headers.CE_SPECVERSION, "1.0");
    add(record, Headers.CE_TIME, Instant.now().toString());
    add(record, Headers.CONTENT_TYPE, "application/json");
    return record;
  }

  private static void add(ProducerRecord<byte[], byte[]> record, String key, String value) {
    record.headers().add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
