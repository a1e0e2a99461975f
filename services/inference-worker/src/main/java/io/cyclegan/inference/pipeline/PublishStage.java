package io.cyclegan.inference.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.inference.images.OutputImages;
import io.cyclegan.inference.images.PreparedImage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The last stage, on a small pool: crop, encode PNG, upload the output, write the result document,
 * publish the result; or, for a failed request, send the dead letter and publish an error result.
 * The request's offset becomes committable only in the producer's acknowledgement.
 *
 * <p>Keys are the request id, so a redelivered request overwrites the same output, document and (on
 * a compacted reply topic) result.
 */
final class PublishStage {
  private static final Logger log = LoggerFactory.getLogger(PublishStage.class);

  private final ExecutorService pool;
  private final ObjectStore store;
  private final KafkaProducer<byte[], byte[]> producer;
  private final DeadLetters deadLetters;
  private final String defaultTopic;
  private final String source;
  private final InferenceMetrics metrics;
  private final AtomicBoolean halted;

  PublishStage(
      ExecutorService pool,
      ObjectStore store,
      KafkaProducer<byte[], byte[]> producer,
      DeadLetters deadLetters,
      String defaultTopic,
      String source,
      InferenceMetrics metrics,
      AtomicBoolean halted) {
    this.pool = pool;
    this.halted = halted;
    this.store = store;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.defaultTopic = defaultTopic;
    this.source = source;
    this.metrics = metrics;
  }

  void ok(PendingRequest r) {
    submit(r, () -> publishOk(r));
  }

  void fail(PendingRequest r, RequestFailure f) {
    submit(r, () -> publishError(r, f));
  }

  /**
   * True, and the request abandoned, when the worker is being killed or the failure is the
   * interruption of a stop: such a request must be redelivered, not answered with an error.
   */
  private boolean abandonedByStop(PendingRequest r, Throwable error) {
    boolean interrupted = Thread.currentThread().isInterrupted();
    for (Throwable t = error; t != null && !interrupted; t = t.getCause()) {
      interrupted = t instanceof InterruptedException;
    }
    if (halted.get() || interrupted) {
      r.delivery.abandon();
      return true;
    }
    return false;
  }

  private void submit(PendingRequest r, Runnable task) {
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      r.delivery.abandon(); // stopping: the request will be redelivered
    }
  }

  private void publishOk(PendingRequest r) {
    TranslateRequest q = r.request;
    MDC.put("requestId", q.requestId());
    try {
      PreparedImage im = r.image;
      byte[] png =
          ImageValidator.encodePng(
              OutputImages.crop(
                  r.output,
                  r.outputOffset,
                  im.paddedWidth(),
                  im.paddedHeight(),
                  im.width(),
                  im.height()));
      r.output = null;
      String outputKey = ObjectKeys.resultOutput(q.requestId());
      store.put(outputKey, png, "image/png");
      TranslateResult result =
          TranslateResult.ok(
              q.requestId(),
              store.bucket(),
              outputKey,
              q.model(),
              r.model.ref().version(),
              q.direction(),
              im.width(),
              im.height(),
              im.scaledDown(),
              timings(r));
      send(r, result, true);
    } catch (RuntimeException e) {
      if (!abandonedByStop(r, e)) {
        publishError(r, new RequestFailure("output", e));
      }
    } finally {
      MDC.remove("requestId");
    }
  }

  private void publishError(PendingRequest r, RequestFailure f) {
    if (abandonedByStop(r, f.getCause())) {
      return;
    }
    ConsumerRecord<byte[], byte[]> record = r.delivery.record();
    String requestId = r.request != null ? r.request.requestId() : readableRequestId(record);
    if (requestId != null) {
      MDC.put("requestId", requestId);
    }
    try {
      Future<RecordMetadata> deadLetter =
          deadLetters.send("inference." + f.stage(), f.getMessage(), f.errorClass(), record);
      try {
        deadLetter.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r.delivery.abandon();
        return;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        log.error("dead letter for {} not sent, leaving it uncommitted: {}", r.delivery, e);
        r.delivery.abandon();
        return;
      }
      if (requestId == null) {
        log.warn("{}: no request id readable, dead letter only: {}", r.delivery, f.getMessage());
        metrics.error.increment();
        r.delivery.finish();
        return;
      }
      TranslateRequest q = r.request;
      TranslateResult result =
          new TranslateResult(
              TranslateResult.SCHEMA,
              requestId,
              TranslateResult.Status.error,
              null,
              null,
              q == null ? null : q.model(),
              r.model == null ? null : r.model.ref().version(),
              q == null ? null : q.direction(),
              null,
              null,
              null,
              f.getMessage(),
              q == null ? null : timings(r),
              Instant.now());
      send(r, result, false);
    } finally {
      MDC.remove("requestId");
    }
  }

  private TranslateResult.Timings timings(PendingRequest r) {
    long now = System.currentTimeMillis();
    long received = r.request.receivedAt().toEpochMilli();
    Long queueMs = r.dequeuedAtMillis > 0 ? Math.max(0, r.dequeuedAtMillis - received) : null;
    Long inferenceMs =
        r.inferenceNanos > 0 ? TimeUnit.NANOSECONDS.toMillis(r.inferenceNanos) : null;
    return new TranslateResult.Timings(queueMs, inferenceMs, Math.max(0, now - received));
  }

  private void send(PendingRequest r, TranslateResult result, boolean ok) {
    String id = result.requestId();
    if (halted.get()) {
      r.delivery.abandon();
      return;
    }
    try {
      // Written before publishing: whoever sees the result can also read it over HTTP.
      store.putJson(ObjectKeys.resultDocument(id), result);
    } catch (RuntimeException e) {
      if (ok) {
        throw e;
      }
      log.warn("result document of {} not written: {}", id, e.toString());
    }
    String topic =
        r.request != null && r.request.replyTopic() != null && !r.request.replyTopic().isBlank()
            ? r.request.replyTopic()
            : defaultTopic;
    publish(r, topic, result, ok);
  }

  /**
   * Publishes {@code result}; the request is finished once Kafka acknowledges it. A reply topic
   * that cannot be written (a bad name, no right to create it) gets the result on the default topic
   * instead, as ingest does, so the caller can still find it and the offset moves on; only a
   * failure on the default topic leaves the request to be redelivered.
   */
  private void publish(PendingRequest r, String topic, TranslateResult result, boolean ok) {
    String id = result.requestId();
    Callback acknowledged =
        (md, error) -> {
          if (error == null) {
            (ok ? metrics.ok : metrics.error).increment();
            if (result.timings() != null && result.timings().totalMs() != null) {
              metrics.latency.record(result.timings().totalMs(), TimeUnit.MILLISECONDS);
            }
            r.delivery.finish();
          } else if (!topic.equals(defaultTopic)) {
            log.warn(
                "cannot answer {} on reply topic {} ({}), answering on {}",
                id,
                topic,
                error.toString(),
                defaultTopic);
            // Not on the producer's I/O thread: a send may block on metadata.
            submit(r, () -> publish(r, defaultTopic, result, ok));
          } else {
            // Not finished: the offset stays uncommitted and the request is redelivered.
            log.error("result of {} not published to {}: {}", id, topic, error.toString());
            r.delivery.abandon();
          }
        };
    try {
      producer.send(CloudEvents.record(topic, id, result, source), acknowledged);
    } catch (KafkaException e) {
      acknowledged.onCompletion(null, e); // refused before sending, e.g. an invalid topic name
    }
  }

  /** A bad claim check's request id: its {@code requestId} field if any, else the record key. */
  static String readableRequestId(ConsumerRecord<byte[], byte[]> record) {
    try {
      JsonNode tree = MessageCodec.mapper().readTree(record.value());
      if (tree != null && tree.hasNonNull("requestId")) {
        String id = tree.get("requestId").asText();
        if (Names.isValidRequestId(id)) {
          return id;
        }
      }
    } catch (Exception e) {
      // not JSON: fall back to the key
    }
    if (record.key() != null) {
      String key = new String(record.key(), StandardCharsets.UTF_8);
      if (Names.isValidRequestId(key)) {
        return key;
      }
    }
    return null;
  }
}
