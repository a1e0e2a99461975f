package io.cyclegan.common.delivery;

import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.trace.TraceContext;
import io.cyclegan.common.trust.ReplyTopics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy for answering a translation request, shared by ingest (a refused request) and the
 * inference worker (every request):
 *
 * <ol>
 *   <li>the result document ({@code results/<id>/result.json}) is written before anything is
 *       published, so whoever sees the result can also read it over HTTP ({@link #writeDocument});
 *   <li>the result goes to the caller's reply topic when it names one that {@link ReplyTopics}
 *       allows, else to the results topic ({@link #topicFor});
 *   <li>a reply topic that cannot be written (missing with auto-creation off, refused, forbidden)
 *       gets the result on the results topic instead, so the caller can still find it; once the
 *       results topic took it, the reply topic is remembered as unwritable for a minute and later
 *       results for it go straight to the results topic.
 * </ol>
 *
 * <p>Asynchronous. A send to a topic the producer has no metadata for blocks the sending thread for
 * the producer's {@code max.block.ms}, so a reply-topic send runs on the {@code replySends}
 * executor (ingest: its own threads, never the poll loop; the worker, already on its publish pool:
 * the calling thread) and the fall-back after a failed one on the {@code fallbacks} executor, never
 * on the producer's I/O thread. What to do when the results topic fails too (retry a batch, retry
 * until a deadline) stays with the caller: the future then fails with that error. Thread-safe.
 */
public final class ResultPublisher {
  private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);
  static final Duration REMEMBER_UNWRITABLE = Duration.ofMinutes(1);
  private static final int MAX_REMEMBERED = 1024;

  private final ReplyTopics replyTopics;
  private final Producer<byte[], byte[]> replyProducer;
  private final Producer<byte[], byte[]> resultsProducer;
  private final Executor replySends;
  private final Executor fallbacks;
  private final String eventSource;
  private final LongSupplier nanoTime;
  private final Map<String, Long> unwritableUntil = new ConcurrentHashMap<>();

  /** Where a result was taken. */
  public record Published(String topic, RecordMetadata metadata, boolean fellBack) {}

  /** Where result documents are written: {@code ObjectStore::putJson}. */
  @FunctionalInterface
  public interface Documents {
    void putJson(String key, Object document);
  }

  /**
   * @param replyProducer sends to callers' reply topics (ingest gives one with a short {@code
   *     max.block.ms}); not closed here
   * @param resultsProducer sends to the results topic (may be the same producer); not closed here
   * @param replySends runs reply-topic sends ({@code Runnable::run} when the caller's thread may
   *     block for the reply producer's {@code max.block.ms})
   * @param fallbacks runs the send to the results topic after a reply topic failed; never the
   *     producer's I/O thread, so not {@code Runnable::run}. When an executor refuses work
   *     (shutting down) the future fails with a {@link RejectedExecutionException}
   * @param eventSource the CloudEvents {@code ce_source} of the results
   */
  public ResultPublisher(
      ReplyTopics replyTopics,
      Producer<byte[], byte[]> replyProducer,
      Producer<byte[], byte[]> resultsProducer,
      Executor replySends,
      Executor fallbacks,
      String eventSource) {
    this(
        replyTopics,
        replyProducer,
        resultsProducer,
        replySends,
        fallbacks,
        eventSource,
        System::nanoTime);
  }

  ResultPublisher(
      ReplyTopics replyTopics,
      Producer<byte[], byte[]> replyProducer,
      Producer<byte[], byte[]> resultsProducer,
      Executor replySends,
      Executor fallbacks,
      String eventSource,
      LongSupplier nanoTime) {
    this.replyTopics = replyTopics;
    this.replyProducer = replyProducer;
    this.resultsProducer = resultsProducer;
    this.replySends = replySends;
    this.fallbacks = fallbacks;
    this.eventSource = eventSource;
    this.nanoTime = nanoTime;
  }

  /** The results topic, where answers go when no allowed reply topic is named or it fails. */
  public String resultsTopic() {
    return replyTopics.resultsTopic();
  }

  /** The caller's reply topic when it names one the allow-list takes, else the results topic. */
  public String topicFor(String replyTopic) {
    return replyTopic != null && !replyTopic.isBlank() && replyTopics.isAllowed(replyTopic)
        ? replyTopic
        : resultsTopic();
  }

  /**
   * Writes {@code result}'s document, to be done before the result is published.
   *
   * @throws RuntimeException what the store throws; nothing was published
   */
  public static void writeDocument(Documents documents, TranslateResult result) {
    documents.putJson(ObjectKeys.resultDocument(result.requestId()), result);
  }

  /**
   * Writes the document, then publishes. A failed write throws here and nothing is sent.
   *
   * @see #publish
   */
  public CompletableFuture<Published> writeAndPublish(
      Documents documents, String replyTopic, TranslateResult result) {
    writeDocument(documents, result);
    return publish(replyTopic, result, null);
  }

  /** {@link #publish(String, TranslateResult, TraceContext)} without a trace context. */
  public CompletableFuture<Published> publish(String replyTopic, TranslateResult result) {
    return publish(replyTopic, result, null);
  }

  /**
   * Publishes {@code result} to {@link #topicFor} its reply topic, falling back to the results
   * topic. Blocks the caller only when {@code replySends} runs on it. The future completes when one
   * of the two topics acknowledged the result, or fails with the results topic's error (or a {@link
   * RejectedExecutionException} when the executor no longer takes work).
   *
   * @param trace the request's trace context, sent as the result's {@code traceparent} header;
   *     {@code null} for none
   */
  public CompletableFuture<Published> publish(
      String replyTopic, TranslateResult result, TraceContext trace) {
    String topic = topicFor(replyTopic);
    if (topic.equals(resultsTopic())) {
      return toResultsTopic(result, trace, false);
    }
    if (rememberedUnwritable(topic)) {
      return toResultsTopic(result, trace, true);
    }
    CompletableFuture<Published> done = new CompletableFuture<>();
    onExecutor(replySends, () -> toReplyTopic(topic, result, trace, done), done, null);
    return done;
  }

  // On the executor: the send may block for the reply producer's max.block.ms.
  private void toReplyTopic(
      String topic, TranslateResult result, TraceContext trace, CompletableFuture<Published> done) {
    if (rememberedUnwritable(topic)) { // found out while this result waited for a thread
      pipe(toResultsTopic(result, trace, true), done);
      return;
    }
    send(replyProducer, topic, result, trace)
        .whenComplete(
            (md, error) -> {
              if (error == null) {
                done.complete(new Published(topic, md, false));
                return;
              }
              log.warn(
                  "cannot answer request {} on reply topic {} ({}), answering on {}",
                  result.requestId(),
                  topic,
                  unwrap(error).toString(),
                  resultsTopic());
              // Not on the producer's I/O thread: a send may block on metadata.
              onExecutor(
                  fallbacks,
                  () ->
                      pipe(
                          toResultsTopic(result, trace, true).thenApply(p -> remember(topic, p)),
                          done),
                  done,
                  error);
            });
  }

  private CompletableFuture<Published> toResultsTopic(
      TranslateResult result, TraceContext trace, boolean fellBack) {
    String topic = resultsTopic();
    return send(resultsProducer, topic, result, trace)
        .thenApply(md -> new Published(topic, md, fellBack));
  }

  private static void onExecutor(
      Executor executor, Runnable task, CompletableFuture<Published> done, Throwable before) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (before != null) {
        e.addSuppressed(before);
      }
      done.completeExceptionally(e);
    }
  }

  /**
   * The reply topic failed while the results topic works: the topic, not the broker, is at fault.
   */
  private Published remember(String topic, Published published) {
    if (unwritableUntil.size() >= MAX_REMEMBERED) {
      unwritableUntil.clear();
    }
    unwritableUntil.put(topic, nanoTime.getAsLong() + REMEMBER_UNWRITABLE.toNanos());
    return published;
  }

  private boolean rememberedUnwritable(String topic) {
    Long until = unwritableUntil.get(topic);
    if (until == null) {
      return false;
    }
    if (nanoTime.getAsLong() - until > 0) {
      unwritableUntil.remove(topic, until);
      return false;
    }
    return true;
  }

  private CompletableFuture<RecordMetadata> send(
      Producer<byte[], byte[]> producer, String topic, TranslateResult result, TraceContext trace) {
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    ProducerRecord<byte[], byte[]> record =
        CloudEvents.record(topic, result.requestId(), result, eventSource);
    if (trace != null) {
      trace.on(record);
    }
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              sent.complete(metadata);
            } else {
              sent.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      // Refused before sending: an invalid topic name, metadata not in time, a closed producer.
      sent.completeExceptionally(e);
    }
    return sent;
  }

  private static void pipe(CompletableFuture<Published> from, CompletableFuture<Published> to) {
    from.whenComplete(
        (p, error) -> {
          if (error == null) {
            to.complete(p);
          } else {
            to.completeExceptionally(unwrap(error));
          }
        });
  }

  /** The error itself, without the {@link CompletionException} a dependent stage wraps it in. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
