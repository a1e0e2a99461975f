package io.cyclegan.training.job;

import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.TrainingEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes job events on {@code cyclegan.training.events}, keyed by job id so that one job's
 * events stay in order on one partition. Facts the event schema has no field for (the device, the
 * checkpoint a job resumed from) travel as {@code cg-*} headers.
 */
public final class JobEvents {
  private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

  /** Header naming the device a {@code started} event's job trains on. */
  public static final String DEVICE_HEADER = "cg-device";

  /** Header naming the checkpoint a {@code started} event's job resumed from. */
  public static final String RESUMED_FROM_HEADER = "cg-resumed-from";

  /** Header saying why a {@code checkpoint} event was written outside the schedule. */
  public static final String REASON_HEADER = "cg-reason";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String source;

  /**
   * @param source the CloudEvents source, e.g. {@code /cyclegan/training/worker-0}
   */
  public JobEvents(Producer<byte[], byte[]> producer, String topic, String source) {
    this.producer = producer;
    this.topic = topic;
    this.source = source;
  }

  /** Sends without waiting: progress and the like, where order (one key) is what matters. */
  public Future<RecordMetadata> send(TrainingEvent event) {
    return send(event, Map.of());
  }

  public Future<RecordMetadata> send(TrainingEvent event, Map<String, String> headers) {
    ProducerRecord<byte[], byte[]> record = CloudEvents.record(topic, event.jobId(), event, source);
    headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    log.info("event {} epoch {} step {}", event.type(), event.epoch(), event.step());
    return producer.send(record);
  }

  /**
   * Sends and waits for the broker: for events that precede a commit (accepted, final events), so
   * an offset is never committed for an event that was lost.
   */
  public void sendAndWait(TrainingEvent event) {
    sendAndWait(event, Map.of());
  }

  public void sendAndWait(TrainingEvent event, Map<String, String> headers) {
    try {
      send(event, headers).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventsUnavailableException("interrupted while sending " + event.type(), e);
    } catch (ExecutionException e) {
      throw new EventsUnavailableException(
          "cannot send " + event.type() + " event to " + topic + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new EventsUnavailableException(
          "no acknowledgement for " + event.type() + " event on " + topic + " in 60 s", e);
    }
  }

  /** The events topic did not take an event that must precede a commit. */
  public static final class EventsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EventsUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
