package io.cyclegan.ingest.routing;

import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.TranslateResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers ingest's error results: to the caller's reply topic, or to the results topic when that
 * topic cannot be written (missing with auto-creation off, refused, forbidden), so the caller can
 * still find the answer. One delivery policy in one place.
 *
 * <p>A send to a topic the producer has no metadata for blocks the sending thread for the
 * producer's {@code max.block.ms}. So replies go through their own producer with a short block,
 * from their own threads, never from the consumer's: a batch of refused requests that all name a
 * missing topic costs one short wait, not {@code max.block.ms} per request on the poll loop (which
 * overran {@code max.poll.interval.ms} and got the consumer kicked from its group). A topic found
 * unwritable while the results topic works is remembered for a minute, and replies for it go
 * straight to the results topic.
 */
public final class ReplySender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplySender.class);
  private static final Duration REMEMBER_UNWRITABLE = Duration.ofMinutes(1);
  private static final int MAX_REMEMBERED = 1024;
  private static final int THREADS = 4;

  private final KafkaProducer<byte[], byte[]> replyProducer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String resultsTopic;
  private final String eventSource;
  private final ExecutorService executor;
  private final Map<String, Long> unwritableUntil = new ConcurrentHashMap<>();

  /**
   * @param replyProducer sends to callers' reply topics, with a short {@code max.block.ms}; closed
   *     by this object
   * @param producer sends to the results topic (shared; not closed here)
   */
  public ReplySender(
      KafkaProducer<byte[], byte[]> replyProducer,
      KafkaProducer<byte[], byte[]> producer,
      String resultsTopic,
      String eventSource) {
    this.replyProducer = replyProducer;
    this.producer = producer;
    this.resultsTopic = resultsTopic;
    this.eventSource = eventSource;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "ingest-replies-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Sends {@code result} to the reply topic, falling back to the results topic. Never blocks the
   * caller; the future completes when the result is acknowledged on one of the two topics.
   */
  public CompletableFuture<RecordMetadata> send(Reply reply, TranslateResult result) {
    String topic = reply.topic();
    if (topic.equals(resultsTopic) || rememberedUnwritable(topic)) {
      return toResultsTopic(reply, result);
    }
    return CompletableFuture.supplyAsync(() -> toReplyTopic(reply, result), executor)
        .thenCompose(f -> f);
  }

  // On a reply thread: the send may block for the reply producer's max.block.ms.
  private CompletableFuture<RecordMetadata> toReplyTopic(Reply reply, TranslateResult result) {
    String topic = reply.topic();
    if (rememberedUnwritable(topic)) { // found out while this reply waited for a thread
      return toResultsTopic(reply, result);
    }
    return send(replyProducer, record(topic, reply.requestId(), result))
        .exceptionallyComposeAsync(
            e -> {
              log.warn(
                  "cannot answer request {} on reply topic {} ({}), answering on {}",
                  reply.requestId(),
                  topic,
                  e.getMessage(),
                  resultsTopic);
              return toResultsTopic(reply, result).thenApply(md -> remember(topic, md));
            },
            executor);
  }

  private CompletableFuture<RecordMetadata> toResultsTopic(Reply reply, TranslateResult result) {
    return send(producer, record(resultsTopic, reply.requestId(), result));
  }

  /**
   * The reply topic failed while the results topic works: the topic, not the broker, is at fault.
   */
  private RecordMetadata remember(String topic, RecordMetadata md) {
    if (unwritableUntil.size() >= MAX_REMEMBERED) {
      unwritableUntil.clear();
    }
    unwritableUntil.put(topic, System.nanoTime() + REMEMBER_UNWRITABLE.toNanos());
    return md;
  }

  private boolean rememberedUnwritable(String topic) {
    Long until = unwritableUntil.get(topic);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until > 0) {
      unwritableUntil.remove(topic, until);
      return false;
    }
    return true;
  }

  private static CompletableFuture<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              done.complete(metadata);
            } else {
              done.completeExceptionally(error);
            }
          });
    } catch (KafkaException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private ProducerRecord<byte[], byte[]> record(
      String topic, String requestId, TranslateResult result) {
    return CloudEvents.record(topic, requestId, result, eventSource);
  }

  /** Stops taking replies, lets those in progress finish (10 s at most), closes the producer. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    replyProducer.close(Duration.ofSeconds(5));
  }
}
