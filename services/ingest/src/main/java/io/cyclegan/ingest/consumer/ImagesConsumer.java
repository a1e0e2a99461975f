package io.cyclegan.ingest.consumer;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.server.Liveness;
import io.cyclegan.ingest.metrics.IngestMetrics;
import io.cyclegan.ingest.routing.BatchResult;
import io.cyclegan.ingest.routing.IngestInput;
import io.cyclegan.ingest.routing.IngestProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code cyclegan.images.in} on its own thread: poll a batch, process it (validation runs
 * in parallel on the processor's pool; a batch whose images would decode to more than {@link
 * Settings#maxDecodedBytes} goes in consecutive parts), wait until every output is durable, then
 * commit the batch's offsets. Because a batch is committed before the next poll, a rebalance never
 * finds uncommitted work, and a crash at any point redelivers at most the batch in hand, whose
 * outputs are idempotent.
 *
 * <p>Errors follow {@link ConsumerErrors}. A refused record is not an error of the loop (the
 * processor dead-letters it). A store or broker fault rewinds the batch and retries it after the
 * {@link RetryPolicy}'s backoff; while it waits, the loop keeps polling with its partitions paused,
 * so the group never sees it as stuck ({@code max.poll.interval.ms}), and a retry does not send
 * again what the failed attempt already made durable (a claim check, a dead letter). It waits for
 * as long as the outage budget; then, and on an error no retry can fix ({@link
 * ConsumerErrors.Action#STOP}), the loop ends and is reported dead to the {@link Liveness}, which
 * takes the process down.
 */
public final class ImagesConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImagesConsumer.class);

  /** The loop's name in {@code /healthz} and {@code /readyz}. */
  public static final String LOOP_NAME = "images-consumer";

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final IngestProcessor processor;
  private final Settings settings;
  private final Liveness liveness;
  private final IngestMetrics metrics;
  private final Thread thread;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Set<RecordId> durableInFailedBatch = new HashSet<>();
  private volatile boolean running = true;
  private volatile boolean waiting;
  private int attempt;
  private Instant failingSince;
  private long retryAtNanos;

  /**
   * How long the loop waits for what.
   *
   * @param storeWait how long one attempt at a batch waits out a store fault before the batch is
   *     rewound; keeps an attempt well inside {@code max.poll.interval.ms}
   * @param outputTimeout how long to wait for the broker to acknowledge a batch's outputs
   * @param retry the backoff between attempts and the outage budget, after which the loop dies
   * @param maxDecodedBytes the most bytes of decoded pixels one sub-batch of a polled batch holds
   *     ({@code CYCLEGAN_INGEST_MAX_BATCH_DECODED_BYTES}); a larger batch is processed in parts
   */
  public record Settings(
      Duration storeWait, Duration outputTimeout, RetryPolicy retry, long maxDecodedBytes) {
    public Settings {
      if (maxDecodedBytes <= 0) {
        throw new IllegalArgumentException("maxDecodedBytes must be positive: " + maxDecodedBytes);
      }
    }
  }

  /**
   * @param consumer used only from this object's thread from {@link #start()} on, and closed by it
   * @param liveness told when the loop dies
   */
  public ImagesConsumer(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      IngestProcessor processor,
      Settings settings,
      Liveness liveness,
      IngestMetrics metrics) {
    this.consumer = consumer;
    this.topic = topic;
    this.processor = processor;
    this.settings = settings;
    this.liveness = liveness;
    this.metrics = metrics;
    // Not a daemon: with the HTTP server, this thread is what keeps the process running.
    this.thread = new Thread(liveness.guard(LOOP_NAME, this::run), "ingest-consumer");
    metrics.waitingBatch(() -> waiting);
  }

  /** Starts the loop's thread; a second call does nothing. */
  public synchronized void start() {
    if (thread.getState() == Thread.State.NEW && running) {
      thread.start();
    }
  }

  /** False once the loop has died; {@code /readyz} reports it, {@code /healthz} too. */
  public boolean isHealthy() {
    return liveness.reason(LOOP_NAME).isEmpty();
  }

  /** True while a batch waits to be retried after a store or broker fault. */
  public boolean isWaiting() {
    return waiting;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic), new Rebalances());
      log.info("consuming {}", topic);
      while (running) {
        if (waiting) {
          waitForRetry();
        } else {
          pollAndProcess();
        }
      }
    } finally {
      try {
        // Every processed batch is already committed: closing only leaves the group.
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      } catch (RuntimeException e) {
        log.warn("error while closing the consumer: {}", e.toString());
      }
    }
  }

  private void pollAndProcess() {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(POLL_TIMEOUT);
    } catch (RuntimeException e) {
      handle(e, null);
      return;
    }
    if (!records.isEmpty()) {
      process(records);
    }
  }

  /**
   * Processes a polled batch in {@link SubBatches} whose decoded pixels stay under {@link
   * Settings#maxDecodedBytes}, one after the other, each made durable before the next starts; the
   * batch's offsets are committed once all of them are. When one fails, what the sub-batches before
   * it (and the durable part of it) made durable is remembered, so the retry does not send it
   * again.
   */
  private void process(ConsumerRecords<byte[], byte[]> records) {
    List<IngestInput> inputs = new ArrayList<>(records.count());
    List<IngestInput> sub = List.of();
    BatchResult result = null;
    try {
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (!durableInFailedBatch.contains(RecordId.of(r))) {
          inputs.add(IngestInput.fromRecord(r));
        }
      }
      // One deadline for the polled batch, as before it was split: an attempt stays well inside
      // max.poll.interval.ms however many sub-batches it takes.
      Instant storeDeadline = Instant.now().plus(settings.storeWait());
      for (List<IngestInput> next :
          SubBatches.split(inputs, processor::decodedBytes, settings.maxDecodedBytes())) {
        sub = next;
        result = null;
        result = processor.process(sub, storeDeadline);
        result.awaitDurable(settings.outputTimeout());
        rememberDurable(sub, result.durable());
      }
      Map<TopicPartition, OffsetAndMetadata> next = nextOffsets(records);
      consumer.commitSync(next);
      forgetBelow(next);
      recovered();
    } catch (RuntimeException e) {
      if (result != null) {
        rememberDurable(sub, result.durable());
      }
      handle(e, records);
    }
  }

  /**
   * What a failed attempt made durable is not sent again by the retry: a claim check would reach
   * the inference worker twice, and a dead letter that only fits without its value would be put in
   * the store again. Only while this consumer keeps the partition; after a crash the batch is
   * redone whole, which the outputs' idempotency covers. Forgotten once the batch is committed.
   */
  private void rememberDurable(List<IngestInput> inputs, List<Boolean> durable) {
    for (int i = 0; i < inputs.size(); i++) {
      if (durable.get(i)) {
        durableInFailedBatch.add(RecordId.of(inputs.get(i).source()));
      }
    }
  }

  private void forgetBelow(Map<TopicPartition, OffsetAndMetadata> committed) {
    durableInFailedBatch.removeIf(
        id -> {
          OffsetAndMetadata c = committed.get(id.partition());
          return c != null && id.offset() < c.offset();
        });
  }

  private void handle(RuntimeException e, ConsumerRecords<byte[], byte[]> batch) {
    switch (ConsumerErrors.classify(e)) {
      case STOP -> throw e;
      case RESET_OFFSETS -> {
        Collection<TopicPartition> partitions =
            e instanceof OffsetOutOfRangeException o
                ? o.partitions()
                : ((NoOffsetForPartitionException) e).partitions();
        log.warn("no valid offset for {}: starting them from the earliest record", partitions);
        consumer.seekToBeginning(partitions);
      }
      case RETRY_BATCH -> retryLater(e, batch);
    }
  }

  private void retryLater(RuntimeException e, ConsumerRecords<byte[], byte[]> batch) {
    Instant now = Instant.now();
    if (failingSince == null) {
      failingSince = now;
    }
    attempt++;
    Duration failing = Duration.between(failingSince, now);
    if (failing.compareTo(settings.retry().budget()) > 0) {
      throw new OutageBudgetSpentException(
          (batch == null ? "polling " + topic : "a batch of " + batch.count() + " records")
              + " has failed for "
              + failing.toSeconds()
              + " s, longer than the outage budget of "
              + settings.retry().budget().toSeconds()
              + " s (CYCLEGAN_OUTAGE_BUDGET_SECONDS); last error: "
              + e,
          e);
    }
    Duration backoff = settings.retry().backoff(attempt);
    String what = batch == null ? "poll" : "batch of " + batch.count();
    if (attempt == 1 || attempt % 10 == 0) {
      log.warn(
          "{} failed (attempt {}, failing for {} s), retrying in {} ms: {}",
          what,
          attempt,
          failing.toSeconds(),
          backoff.toMillis(),
          e.toString());
    } else {
      log.info("{} failed again (attempt {}): {}", what, attempt, e.toString());
    }
    metrics.batchRetried();
    if (batch != null) {
      rewind(batch);
    }
    consumer.pause(consumer.assignment());
    retryAtNanos = System.nanoTime() + backoff.toNanos();
    waiting = true;
  }

  private void recovered() {
    if (failingSince != null) {
      log.info(
          "batch done after {} attempts, {} s after the first failure",
          attempt + 1,
          Duration.between(failingSince, Instant.now()).toSeconds());
    }
    failingSince = null;
    attempt = 0;
  }

  /**
   * The backoff: polls with every partition paused, so the consumer stays in its group and
   * rebalances still happen, until the retry is due or close() is called.
   */
  private void waitForRetry() {
    long left = retryAtNanos - System.nanoTime();
    if (left <= 0 || stopRequested.getCount() == 0) {
      consumer.resume(consumer.paused());
      waiting = false;
      return;
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      consumer.pause(consumer.assignment()); // partitions assigned while waiting wait too
      records = consumer.poll(Duration.ofNanos(Math.min(left, POLL_TIMEOUT.toNanos())));
    } catch (RuntimeException e) {
      handle(e, null);
      return;
    }
    if (!records.isEmpty()) {
      rewind(records); // from a partition assigned within that poll: read it after the wait
    }
  }

  /** Seeks each partition of the batch that is still ours back to the batch's first record. */
  private void rewind(ConsumerRecords<byte[], byte[]> batch) {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition tp : batch.partitions()) {
      if (assigned.contains(tp)) {
        consumer.seek(tp, batch.records(tp).get(0).offset());
      }
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /**
   * Stops after the batch in hand is processed and committed (a batch waiting for a retry is left
   * uncommitted), then closes the consumer. Waits at most {@code timeout}.
   */
  public void close(Duration timeout) {
    running = false;
    stopRequested.countDown();
    synchronized (this) {
      if (thread.getState() == Thread.State.NEW) {
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        return;
      }
    }
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("the consumer did not stop within {}", timeout);
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(60));
  }

  /** The loop waited longer than the outage budget: it ends, and the process with it. */
  static final class OutageBudgetSpentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutageBudgetSpentException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record RecordId(TopicPartition partition, long offset) {
    static RecordId of(ConsumerRecord<?, ?> r) {
      return new RecordId(new TopicPartition(r.topic(), r.partition()), r.offset());
    }
  }

  /** Logs assignments; a partition that leaves also leaves the memory of its durable records. */
  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        log.info("assigned {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Nothing to commit here: each batch is committed before the next poll.
      if (!partitions.isEmpty()) {
        log.info("revoked {}", partitions);
      }
      durableInFailedBatch.removeIf(id -> partitions.contains(id.partition()));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("lost {}; their uncommitted records go to the next owner", partitions);
      durableInFailedBatch.removeIf(id -> partitions.contains(id.partition()));
    }
  }
}
