package io.cyclegan.common.messages;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Why a record could not be processed. A dead-letter record keeps the original key, value and
 * headers and adds these as {@code cg-error-*} and {@code cg-source-*} headers, so it can be
 * replayed onto its source topic unchanged.
 */
public record DeadLetter(
    String stage,
    String errorClass,
    String errorMessage,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    Instant time) {

  private static final List<String> ADDED_HEADERS =
      List.of(
          Headers.ERROR_STAGE,
          Headers.ERROR_CLASS,
          Headers.ERROR_MESSAGE,
          Headers.SOURCE_TOPIC,
          Headers.SOURCE_PARTITION,
          Headers.SOURCE_OFFSET,
          Headers.ERROR_TIME);

  public static DeadLetter of(String stage, Throwable error, ConsumerRecord<?, ?> source) {
    return new DeadLetter(
        stage,
        error.getClass().getName(),
        String.valueOf(error.getMessage()),
        source.topic(),
        source.partition(),
        source.offset(),
        Instant.now());
  }

  public static DeadLetter of(
      String stage, String errorClass, String message, ConsumerRecord<?, ?> source) {
    return new DeadLetter(
        stage,
        errorClass,
        message,
        source.topic(),
        source.partition(),
        source.offset(),
        Instant.now());
  }

  /** The record to send to {@code dlqTopic}: the original key, value and headers, plus ours. */
  public ProducerRecord<byte[], byte[]> toRecord(
      String dlqTopic, ConsumerRecord<byte[], byte[]> source) {
    List<Header> headers = new ArrayList<>();
    for (Header h : source.headers()) {
      if (!ADDED_HEADERS.contains(h.key())) {
        headers.add(h);
      }
    }
    headers.add(header(Headers.ERROR_STAGE, stage));
    headers.add(header(Headers.ERROR_CLASS, errorClass));
    headers.add(header(Headers.ERROR_MESSAGE, errorMessage));
    headers.add(header(Headers.SOURCE_TOPIC, sourceTopic));
    headers.add(header(Headers.SOURCE_PARTITION, Integer.toString(sourcePartition)));
    headers.add(header(Headers.SOURCE_OFFSET, Long.toString(sourceOffset)));
    headers.add(header(Headers.ERROR_TIME, time.toString()));
    return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
  }

  /** Reads the dead-letter headers of a DLQ record. */
  public static DeadLetter fromHeaders(org.apache.kafka.common.header.Headers headers) {
    return new DeadLetter(
        text(headers, Headers.ERROR_STAGE),
        text(headers, Headers.ERROR_CLASS),
        text(headers, Headers.ERROR_MESSAGE),
        text(headers, Headers.SOURCE_TOPIC),
        Integer.parseInt(text(headers, Headers.SOURCE_PARTITION)),
        Long.parseLong(text(headers, Headers.SOURCE_OFFSET)),
        Instant.parse(text(headers, Headers.ERROR_TIME)));
  }

  /**
   * The record that replays a DLQ record onto its source topic: the original key, value and
   * headers, with the dead-letter headers removed.
   */
  public static ProducerRecord<byte[], byte[]> replay(ConsumerRecord<byte[], byte[]> dlqRecord) {
    String source = text(dlqRecord.headers(), Headers.SOURCE_TOPIC);
    List<Header> headers = new ArrayList<>();
    for (Header h : dlqRecord.headers()) {
      if (!ADDED_HEADERS.contains(h.key())) {
        headers.add(h);
      }
    }
    return new ProducerRecord<>(source, null, dlqRecord.key(), dlqRecord.value(), headers);
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(org.apache.kafka.common.header.Headers headers, String key) {
    Header h = headers.lastHeader(key);
    if (h == null || h.value() == null) {
      throw new MessageFormatException(key, "dead-letter record has no header '" + key + "'");
    }
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
