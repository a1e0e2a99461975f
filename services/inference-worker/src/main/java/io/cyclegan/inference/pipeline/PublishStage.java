package io.cyclegan.inference.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.delivery.ResultPublisher;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.common.trust.LogValues;
import io.cyclegan.common.trust.ReplyTopics;
import io.cyclegan.inference.images.OutputImages;
import io.cyclegan.inference.images.PreparedImage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The last stage, on a small pool: crop, encode (PNG, or JPEG when asked), upload the output, write
 * the result document, publish the result; or, for a failed request, send the dead letter and
 * publish an error result. The request's offset becomes committable only in the producer's
 * acknowledgement.
 *
 * <p>Keys are the request id, so a redelivered or retried request overwrites the same output,
 * document and (on a compacted reply topic) result.
 *
 * <p>Faults: a transient one while producing an ok result (the store or the broker away) runs the
 * step again after a backoff until the request's deadline, then the request gets an error result
 * ({@link Recovery}). An answer once decided (the dead letter and error result of a failed request)
 * is retried until the broker takes it, whatever the deadline: the offset never moves past a
 * request without its answer, and never stays behind one for good.
 */
final class PublishStage {
  private static final Logger log = LoggerFactory.getLogger(PublishStage.class);

  /** A safety net only: the DLQ producer gives up on its own after its delivery timeout. */
  private static final long DEAD_LETTER_WAIT_MINUTES = 5;

  private final ExecutorService pool;
  private final DeadLetters deadLetters;
  private final ResultPublisher results;
  private final InferenceMetrics metrics;
  private final AtomicBoolean halted;
  private final Recovery recovery;

  PublishStage(
      ExecutorService pool,
      KafkaProducer<byte[], byte[]> producer,
      DeadLetters deadLetters,
      ReplyTopics replyTopics,
      String source,
      InferenceMetrics metrics,
      AtomicBoolean halted,
      Recovery recovery) {
    this.pool = pool;
    this.halted = halted;
    this.deadLetters = deadLetters;
    // Publishing runs on this stage's pool, which may block on a reply topic's metadata; the
    // fall-back to the results topic is submitted to the pool too, never run on the producer's I/O
    // thread.
    this.results =
        new ResultPublisher(replyTopics, producer, producer, Runnable::run, pool, source);
    this.metrics = metrics;
    this.recovery = recovery;
  }

  void ok(PendingRequest r) {
    submit(r, () -> publishOk(r));
  }

  /** Answers a request that failed for good: dead letter, then error result. */
  void fail(PendingRequest r, RequestFailure f) {
    submit(r, () -> publishError(r, f));
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
    MDC.put(TraceContext.MDC_KEY, r.trace.traceId());
    try {
      PreparedImage im = r.image;
      OutputFormat format = q.outputFormat();
      if (r.encoded == null) {
        r.encoded = encode(r, im, format);
        r.output = null;
      }
      String outputKey = ObjectKeys.resultOutput(q.requestId(), format);
      r.store.put(outputKey, r.encoded, format.contentType());
      TranslateResult result =
          TranslateResult.ok(
              q.requestId(),
              r.store.bucket(),
              outputKey,
              q.model(),
              r.model.ref().version(),
              q.direction(),
              im.width(),
              im.height(),
              im.scaledDown(),
              timings(r));
      // The document is written before publishing: whoever sees the result can also read it over
      // HTTP. A failed write is a failure of this step (retried until the deadline).
      ResultPublisher.writeDocument(r.store::putJson, result);
      log.info(
          "translated with {} {} {}: output {}",
          q.model(),
          r.model.ref().version(),
          q.direction(),
          outputKey);
      publish(r, result, true);
    } catch (RuntimeException e) {
      recovery.failed(r, new RequestFailure("output", e), () -> ok(r), this::fail);
    } finally {
      MDC.remove("requestId");
      MDC.remove(TraceContext.MDC_KEY);
    }
  }

  /**
   * The output cropped to the input's size, encoded: a PNG straight from the floats (Huffman codes
   * only unless its rows repeat), or a JPEG.
   */
  private static byte[] encode(PendingRequest r, PreparedImage im, OutputFormat format) {
    return switch (format) {
      case png ->
          OutputImages.png(
              r.output,
              r.outputOffset,
              im.paddedWidth(),
              im.paddedHeight(),
              im.width(),
              im.height(),
              r.outputChannels);
      case jpeg ->
          ImageValidator.encodeJpeg(
              OutputImages.crop(
                  r.output,
                  r.outputOffset,
                  im.paddedWidth(),
                  im.paddedHeight(),
                  im.width(),
                  im.height(),
                  r.outputChannels),
              OutputFormat.JPEG_QUALITY);
    };
  }

  private void publishError(PendingRequest r, RequestFailure f) {
    if (recovery.abandonedByStop(r, null)) {
      return;
    }
    ConsumerRecord<byte[], byte[]> record = r.delivery.record();
    String requestId = r.request != null ? r.request.requestId() : readableRequestId(record);
    if (requestId != null) {
      MDC.put("requestId", requestId);
    }
    MDC.put(TraceContext.MDC_KEY, r.trace.traceId());
    try {
      if (!r.deadLettered && !sendDeadLetter(r, f)) {
        return;
      }
      log.warn("request failed at stage {}: {}", f.stage(), LogValues.escape(f.detail()));
      if (requestId == null) {
        log.warn("{}: no request id readable, dead letter only", r.delivery);
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
              Instant.now(),
              f.reason().name());
      writeErrorDocument(r, result);
      publish(r, result, false);
    } finally {
      MDC.remove("requestId");
      MDC.remove(TraceContext.MDC_KEY);
    }
  }

  /**
   * Sends the dead letter and waits for it; false when the request is retried or abandoned instead.
   */
  private boolean sendDeadLetter(PendingRequest r, RequestFailure f) {
    Throwable error;
    try {
      deadLetters
          .send("inference." + f.stage(), f.getMessage(), f.errorClass(), r.delivery.record())
          .get(DEAD_LETTER_WAIT_MINUTES, TimeUnit.MINUTES);
      r.deadLettered = true;
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.delivery.abandon();
      return false;
    } catch (ExecutionException e) {
      error = e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      error = e;
    }
    if (error instanceof DeadLetters.DeadLetterTopicException) {
      // The service is reported dead and exits; the request is repeated after the fix.
      log.error("dead letter for {} cannot be sent: {}", r.delivery, error.getMessage());
      r.delivery.abandon();
      return false;
    }
    if (!recovery.abandonedByStop(r, error)) {
      recovery.retryLater(
          r, "dead letter not sent: " + error, () -> fail(r, f)); // an answer: no deadline
    }
    return false;
  }

  /** An error's document is best effort within the deadline: the result on Kafka is what counts. */
  private void writeErrorDocument(PendingRequest r, TranslateResult result) {
    if (r.store == null) {
      return;
    }
    try {
      ResultPublisher.writeDocument(r.store::putJson, result);
    } catch (RuntimeException e) {
      log.warn("result document of {} not written: {}", result.requestId(), e.toString());
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

  /**
   * Publishes {@code result} through the {@link ResultPublisher}: to the request's reply topic when
   * it names an allowed one, else (or when that topic cannot be written: a bad name, no right to
   * create it, missing) to the results topic, as ingest does, so the caller can still find it and
   * the offset moves on. The request is finished once Kafka acknowledges it. A failure on the
   * results topic (the broker away) publishes again after a backoff: an ok result until the
   * request's deadline (then it is answered with an error), an error result until it is taken.
   */
  private void publish(PendingRequest r, TranslateResult result, boolean ok) {
    if (halted.get()) {
      r.delivery.abandon();
      return;
    }
    String replyTopic = r.request == null ? null : r.request.replyTopic();
    results
        .publish(replyTopic, result, r.trace)
        .whenComplete(
            (published, failure) -> {
              Throwable error = failure == null ? null : ResultPublisher.unwrap(failure);
              if (error == null) {
                (ok ? metrics.ok : metrics.error).increment();
                if (result.timings() != null && result.timings().totalMs() != null) {
                  metrics.latency.record(result.timings().totalMs(), TimeUnit.MILLISECONDS);
                }
                r.delivery.finish();
              } else if (error instanceof RejectedExecutionException) {
                r.delivery.abandon(); // stopping: the request will be redelivered
              } else if (ok) {
                recovery.failed(
                    r,
                    new RequestFailure("result", error),
                    () -> submit(r, () -> publish(r, result, true)),
                    this::fail);
              } else if (!recovery.abandonedByStop(r, error)) {
                recovery.retryLater(
                    r,
                    "error result not published: " + error,
                    () -> submit(r, () -> publish(r, result, false)));
              }
            });
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
