package io.cyclegan.common.runtime;

import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be processed to {@code <source topic>.dlq} with the reason, and counts
 * them in {@code cyclegan_dlq_records_total{stage}}.
 */
public final class DeadLetters implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final Topics topics;
  private final MeterRegistry registry;

  public DeadLetters(
      KafkaProducer<byte[], byte[]> producer, Topics topics, MeterRegistry registry) {
    this.producer = producer;
    this.topics = topics;
    this.registry = registry;
  }

  /**
   * Sends the dead letter and returns the send's future; callers that commit offsets wait for it
   * first, so a record is never lost between the source topic and its DLQ.
   */
  public Future<RecordMetadata> send(
      String stage, String reason, String errorClass, ConsumerRecord<byte[], byte[]> source) {
    DeadLetter letter = DeadLetter.of(stage, errorClass, reason, source);
    log.warn(
        "dead letter from {}-{}@{} at {}: {}",
        source.topic(),
        source.partition(),
        source.offset(),
        stage,
        reason);
    Counter.builder("cyclegan.dlq.records")
        .description("records sent to a dead-letter topic")
        .tag("stage", stage)
        .register(registry)
        .increment();
    return producer.send(letter.toRecord(topics.dlq(source.topic()), source));
  }

  public Future<RecordMetadata> send(
      String stage, Throwable error, ConsumerRecord<byte[], byte[]> source) {
    return send(stage, String.valueOf(error.getMessage()), error.getClass().getName(), source);
  }

  /** Sends and waits for the broker's acknowledgement. */
  public void sendAndWait(String stage, Throwable error, ConsumerRecord<byte[], byte[]> source) {
    await(send(stage, error, source));
  }

  static void await(Future<RecordMetadata> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending a dead letter", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot send a dead letter: " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
