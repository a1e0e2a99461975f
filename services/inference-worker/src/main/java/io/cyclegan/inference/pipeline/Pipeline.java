package io.cyclegan.inference.pipeline;

import ai.djl.Device;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.runtime.DeadLetters;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.trust.ReplyTopics;
import io.cyclegan.inference.batching.BatchQueue;
import io.cyclegan.inference.delivery.Delivery;
import io.cyclegan.inference.models.ModelCache;
import io.cyclegan.inference.models.ModelVersions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The three stages of a request, each on its own threads so the model never waits for I/O: prepare
 * (a pool: claim check, model lease, fetch, decode), infer (one thread, dynamic batches) and
 * publish (a pool: encode, upload, result). The consumer feeds it {@link Delivery}s; each is
 * finished once its result is acknowledged. A stage that meets a transient fault runs again after a
 * backoff, until the request's deadline ({@link Recovery}); only a stop or a crash abandons.
 */
public final class Pipeline implements Consumer<Delivery> {

  /** How the stages are sized. */
  public record Settings(
      int maxBatch,
      int maxBatchDelayMs,
      int maxEdge,
      int queueCapacity,
      int prepareThreads,
      int publishThreads,
      Duration requestDeadline,
      RetryPolicy retry,
      long maxInputBytes,
      int modelThreads) {}

  private final ExecutorService preparePool;
  private final ExecutorService publishPool;
  private final BatchQueue<PendingRequest> queue;
  private final PrepareStage prepare;
  private final InferenceStage inference;
  private final Recovery recovery;
  private final AtomicBoolean halted = new AtomicBoolean();

  public Pipeline(
      Settings settings,
      ObjectStore store,
      ModelVersions versions,
      ModelCache models,
      KafkaProducer<byte[], byte[]> results,
      DeadLetters deadLetters,
      ReplyTopics replyTopics,
      String source,
      InferenceMetrics metrics,
      Device device,
      Liveness liveness) {
    this.preparePool =
        Executors.newFixedThreadPool(settings.prepareThreads(), named("prepare", liveness));
    this.publishPool =
        Executors.newFixedThreadPool(settings.publishThreads(), named("publish", liveness));
    this.recovery = new Recovery(settings.retry(), settings.requestDeadline(), halted);
    this.queue =
        new BatchQueue<>(
            settings.maxBatch(),
            TimeUnit.MILLISECONDS.toNanos(settings.maxBatchDelayMs()),
            settings.queueCapacity());
    PublishStage publish =
        new PublishStage(
            publishPool, results, deadLetters, replyTopics, source, metrics, halted, recovery);
    this.prepare =
        new PrepareStage(
            preparePool,
            store,
            versions,
            models,
            queue,
            publish,
            recovery,
            settings.maxEdge(),
            settings.maxInputBytes(),
            replyTopics);
    this.inference =
        new InferenceStage(queue, publish, metrics, device, settings.modelThreads(), liveness);
  }

  public void start() {
    inference.start();
  }

  @Override
  public void accept(Delivery delivery) {
    prepare.submit(new PendingRequest(delivery));
  }

  /** From now on batches go out without waiting to fill: nothing more is coming. */
  public void drain() {
    queue.drain();
  }

  /**
   * Stops after the work in flight: call once the consumer has stopped (and waited for it). What is
   * still queued after {@code timeoutMs} is abandoned, to be redelivered.
   */
  public void close(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    recovery.stop();
    queue.drain();
    preparePool.shutdown();
    await(preparePool, deadline);
    preparePool.shutdownNow(); // a request still waiting for the store: abandoned, redelivered
    abandon(queue.close());
    try {
      inference.join(Math.max(1, deadline - System.currentTimeMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publishPool.shutdown();
    await(publishPool, deadline);
    publishPool.shutdownNow();
  }

  /** Drops everything at once, as a killed process would; nothing is finished. */
  public void crash() {
    halted.set(true);
    recovery.stop();
    preparePool.shutdownNow();
    abandon(queue.close());
    inference.interrupt();
    publishPool.shutdownNow();
    try {
      // A forward pass cannot be interrupted; the models are closed only after it ends.
      inference.join(30_000);
      preparePool.awaitTermination(5, TimeUnit.SECONDS);
      publishPool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void abandon(List<PendingRequest> dropped) {
    for (PendingRequest r : dropped) {
      r.releaseModel();
      r.delivery.abandon();
    }
  }

  private static void await(ExecutorService pool, long deadline) {
    try {
      pool.awaitTermination(
          Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The stages' threads. Every task catches what a request can throw, so whatever escapes one (an
   * {@link Error}) is reported to the liveness: the pool would replace the thread, but the request
   * it carried would never finish.
   */
  private static ThreadFactory named(String stage, Liveness liveness) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "inference-" + stage + "-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((thread, e) -> liveness.died("inference-" + stage, e));
      return t;
    };
  }
}
