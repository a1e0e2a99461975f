package io.cyclegan.cli.dataset;

import java.nio.file.Path;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One file of an upload after the send: where its record landed, or why it never left.
 *
 * @param metadata the record's partition and offset; {@code null} when the send failed, and over
 *     the HTTP API
 * @param sendError why the send failed; {@code null} when it succeeded
 */
record SentFile(Path file, String key, RecordMetadata metadata, String sendError) {

  /** Whether it left (over the HTTP API: was stored, so {@code metadata} is null). */
  boolean sent() {
    return sendError == null;
  }

  TopicPartition partition() {
    return new TopicPartition(metadata.topic(), metadata.partition());
  }

  String name() {
    return file.getFileName().toString();
  }
}
