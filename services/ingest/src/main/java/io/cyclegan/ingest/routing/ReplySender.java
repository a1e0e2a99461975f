package io.cyclegan.ingest.routing;

import io.cyclegan.common.delivery.ResultPublisher;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.common.trust.ReplyTopics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Delivers ingest's error results through the pipeline's one answer policy ({@link
 * ResultPublisher}): to the caller's reply topic, or to the results topic when that topic cannot be
 * written (missing with auto-creation off, refused, forbidden), so the caller can still find the
 * answer. What this class adds is ingest's threading.
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
  private static final int THREADS = 4;

  private final KafkaProducer<byte[], byte[]> replyProducer;
  private final ExecutorService executor;
  private final ResultPublisher publisher;

  /**
   * @param replyProducer sends to callers' reply topics, with a short {@code max.block.ms}; closed
   *     by this object
   * @param producer sends to the results topic (shared; not closed here)
   */
  public ReplySender(
      KafkaProducer<byte[], byte[]> replyProducer,
      KafkaProducer<byte[], byte[]> producer,
      ReplyTopics replyTopics,
      String eventSource) {
    this.replyProducer = replyProducer;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "ingest-replies-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.publisher =
        new ResultPublisher(replyTopics, replyProducer, producer, executor, executor, eventSource);
  }

  /**
   * Sends {@code result} to the reply topic, falling back to the results topic. Never blocks the
   * caller; the future completes when the result is acknowledged on one of the two topics.
   */
  public CompletableFuture<ResultPublisher.Published> send(
      Reply reply, TranslateResult result, TraceContext trace) {
    return publisher.publish(reply.topic(), result, trace);
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
