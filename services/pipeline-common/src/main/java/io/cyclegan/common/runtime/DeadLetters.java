package io.cyclegan.common.runtime;

import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.common.store.ObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be processed to {@code <source topic>.dlq} with the reason, and counts
 * them in {@code cyclegan_dlq_records_total{stage}}. One delivery policy, so that a dead letter
 * never wedges its partition:
 *
 * <ul>
 *   <li>a dead letter too big for the broker with its added headers is sent again without its
 *       value; the value is put in the store under {@code
 *       dead-letters/<topic>/<partition>-<offset>} (named in the {@code cg-dead-letter-value-key}
 *       header), or, when that fails too, dropped with a {@code cg-dead-letter-value-dropped}
 *       header saying so;
 *   <li>a DLQ topic that is missing (producers here never create one), invalid or forbidden is an
 *       operator's error no retry fixes: the service is reported dead ({@link Liveness}) with a
 *       message naming the topic, and the send fails with {@link DeadLetterTopicException};
 *   <li>anything else (the broker away) fails the send as a transient fault, for the caller to
 *       retry later.
 * </ul>
 */
public final class DeadLetters implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  static final String LIVENESS_NAME = "dead-letters";

  private final KafkaProducer<byte[], byte[]> producer;
  private final Topics topics;
  private final MeterRegistry registry;
  private final ObjectStore store;
  private final Admin admin;
  private final Liveness liveness;
  private final ExecutorService fallback;

  /** Without a store, admin client or liveness: too-big values are dropped, topics not checked. */
  public DeadLetters(
      KafkaProducer<byte[], byte[]> producer, Topics topics, MeterRegistry registry) {
    this(producer, topics, registry, null, null, new Liveness());
  }

  public DeadLetters(
      KafkaProducer<byte[], byte[]> producer,
      Topics topics,
      MeterRegistry registry,
      ObjectStore store,
      Admin admin,
      Liveness liveness) {
    this.producer = producer;
    this.topics = topics;
    this.registry = registry;
    this.store = store;
    this.admin = admin;
    this.liveness = liveness;
    this.fallback =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "dead-letters");
              t.setDaemon(true);
              return t;
            });
  }

  /** The DLQ topic is missing, invalid or forbidden: the service cannot keep its promise. */
  public static final class DeadLetterTopicException extends KafkaException {
    private static final long serialVersionUID = 1L;

    DeadLetterTopicException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Sends the dead letter and returns the send's future; callers that commit offsets wait for it
   * first, so a record is never lost between the source topic and its DLQ.
   */
  public Future<RecordMetadata> send(
      String stage, String reason, String errorClass, ConsumerRecord<byte[], byte[]> source) {
    DeadLetter letter = DeadLetter.of(stage, errorClass, reason, source);
    String dlq = topics.dlq(source.topic());
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
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    ProducerRecord<byte[], byte[]> record = letter.toRecord(dlq, source);
    send(
        record,
        (md, error) -> {
          if (error == null) {
            done.complete(md);
          } else if (error instanceof RecordTooLargeException && source.value() != null) {
            // Not on the producer's I/O thread: the store put and the second send may block.
            fallback.execute(() -> sendWithoutValue(record, source, done));
          } else {
            fallback.execute(() -> done.completeExceptionally(classify(dlq, error)));
          }
        });
    return done;
  }

  private void send(
      ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
    try {
      producer.send(record, callback);
    } catch (KafkaException e) {
      callback.onCompletion(null, e);
    }
  }

  private void sendWithoutValue(
      ProducerRecord<byte[], byte[]> original,
      ConsumerRecord<byte[], byte[]> source,
      CompletableFuture<RecordMetadata> done) {
    ProducerRecord<byte[], byte[]> slim =
        new ProducerRecord<>(original.topic(), null, original.key(), null, original.headers());
    String key =
        "dead-letters/" + source.topic() + "/" + source.partition() + "-" + source.offset();
    String note;
    try {
      if (store == null) {
        throw new IllegalStateException("no store configured for dead-letter values");
      }
      store.put(key, source.value(), "application/octet-stream");
      slim.headers().add(new RecordHeader(Headers.DEAD_LETTER_VALUE_KEY, utf8(key)));
      note = "value of " + source.value().length + " bytes put at " + key;
    } catch (RuntimeException e) {
      slim.headers()
          .add(
              new RecordHeader(
                  Headers.DEAD_LETTER_VALUE_DROPPED,
                  utf8(
                      "value of "
                          + source.value().length
                          + " bytes too large to dead-letter and not stored: "
                          + e.getClass().getSimpleName())));
      note = "value of " + source.value().length + " bytes dropped (" + e + ")";
    }
    log.warn("dead letter for {} too large with its value: {}", original.topic(), note);
    send(
        slim,
        (md, error) -> {
          if (error == null) {
            done.complete(md);
          } else {
            fallback.execute(() -> done.completeExceptionally(classify(original.topic(), error)));
          }
        });
  }

  /** A missing, invalid or forbidden DLQ topic is fatal; anything else is passed on as it is. */
  private Exception classify(String dlq, Exception error) {
    boolean fatal =
        error instanceof UnknownTopicOrPartitionException
            || error instanceof InvalidTopicException
            || error instanceof TopicAuthorizationException
            || (error instanceof org.apache.kafka.common.errors.TimeoutException
                && topicMissing(dlq));
    if (!fatal) {
      return error;
    }
    DeadLetterTopicException e =
        new DeadLetterTopicException(
            "dead-letter topic "
                + dlq
                + " is missing, invalid or not writable ("
                + error.getClass().getSimpleName()
                + "): create it, or grant this service WRITE on it",
            error);
    liveness.died(LIVENESS_NAME, e);
    return e;
  }

  /** True only when the broker answers that the topic does not exist. */
  private boolean topicMissing(String topic) {
    if (admin == null) {
      return false;
    }
    try {
      admin
          .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(5000))
          .allTopicNames()
          .get(6, TimeUnit.SECONDS);
      return false;
    } catch (ExecutionException e) {
      return e.getCause() instanceof UnknownTopicOrPartitionException;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  public Future<RecordMetadata> send(
      String stage, Throwable error, ConsumerRecord<byte[], byte[]> source) {
    return send(stage, String.valueOf(error.getMessage()), error.getClass().getName(), source);
  }

  /** Sends and waits for the broker's acknowledgement. */
  public void sendAndWait(String stage, Throwable error, ConsumerRecord<byte[], byte[]> source) {
    await(send(stage, error, source));
  }

  /**
   * Sends the dead letter with this {@code reason} (already safe to log: see {@code LogValues}) and
   * waits for the broker's acknowledgement.
   */
  public void sendAndWait(
      String stage, String reason, String errorClass, ConsumerRecord<byte[], byte[]> source) {
    await(send(stage, reason, errorClass, source));
  }

  static void await(Future<RecordMetadata> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending a dead letter", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException k) {
        throw k;
      }
      throw new IllegalStateException(
          "cannot send a dead letter: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close();
    fallback.shutdown();
  }
}
