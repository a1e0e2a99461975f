package io.cyclegan.inference.delivery;

import io.cyclegan.common.fault.ConsumerErrors;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.server.Liveness;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of the requests topic, on its own thread (it alone touches the consumer). It hands
 * each record to the pipeline, commits the offsets the {@link OffsetTracker} allows, pauses every
 * partition while {@link InFlight} is full, and on a rebalance waits (bounded) for the revoked
 * partitions' requests to finish and commits them before letting go.
 *
 * <p>A graceful {@link #stop} pauses, waits for every request in flight to finish, commits and
 * closes. A {@link #crash} closes at once without committing, as a killed process would.
 *
 * <p>Errors follow {@link ConsumerErrors}: one that no retry fixes (credentials, rights, a fenced
 * instance id, a missing dead-letter topic) ends the loop, which reports itself dead to the {@link
 * Liveness} (so {@code /healthz} fails and the process exits); a lost position starts the
 * partitions again from the earliest offset; anything else, a broker outage first of all, is
 * retried after a backoff, the records not yet handed over read again, for as long as the outage
 * budget allows.
 */
public final class RequestConsumer {
  private static final Logger log = LoggerFactory.getLogger(RequestConsumer.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long COMMIT_EVERY_MS = 200;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final OffsetTracker tracker = new OffsetTracker();
  private final InFlight inFlight;
  private final Consumer<Delivery> pipeline;
  private final long drainTimeoutMs;
  private final DeliveryMetrics metrics;
  private final RetryPolicy retry;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private volatile boolean running = true;
  private volatile boolean crashed;
  private volatile boolean joined;
  private volatile Set<TopicPartition> assigned = Set.of();
  private boolean paused;
  private long lastCommitMs;
  private int failures;
  private long failingSinceMs;

  /**
   * @param pipeline receives every record; must eventually call {@link Delivery#finish} or {@link
   *     Delivery#abandon}
   * @param drainTimeoutMs longest wait for in-flight requests on a revocation or a stop
   * @param retry the backoff between failed polls, and how long they may keep failing
   * @param liveness told when the loop ends by an error
   */
  public RequestConsumer(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      InFlight inFlight,
      Consumer<Delivery> pipeline,
      long drainTimeoutMs,
      DeliveryMetrics metrics,
      RetryPolicy retry,
      Liveness liveness) {
    this.consumer = consumer;
    this.topic = topic;
    this.inFlight = inFlight;
    this.pipeline = pipeline;
    this.drainTimeoutMs = drainTimeoutMs;
    this.metrics = metrics;
    this.retry = retry;
    // Not a daemon: this thread keeps the worker's JVM alive.
    this.thread = new Thread(liveness.guard("inference-consumer", this::run), "inference-consumer");
  }

  public void start() {
    thread.start();
  }

  /** The partitions this worker owns now. */
  public Set<TopicPartition> assignment() {
    return assigned;
  }

  /** True once the consumer has joined its group (with or without partitions). */
  public boolean joined() {
    return joined && running;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (running) {
        try {
          handOver(consumer.poll(POLL));
          applyBackpressure();
          commitIfDue(false);
          failures = 0;
        } catch (WakeupException e) {
          if (crashed) {
            return;
          }
        } catch (RuntimeException e) {
          onError(e);
        }
      }
      if (!crashed) {
        drain();
      }
    } catch (WakeupException e) {
      // crash() woke the drain up
    } finally {
      running = false;
      try {
        consumer.close(Duration.ofSeconds(crashed ? 0 : 5));
      } catch (RuntimeException e) {
        log.warn("closing the request consumer: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  /**
   * Hands each record to the pipeline. Should that fail part-way, the partitions are rewound to
   * their first record not handed over, so a retry reads them again and none is skipped.
   */
  private void handOver(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> next = new HashMap<>();
    try {
      for (ConsumerRecord<byte[], byte[]> r : records) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        next.putIfAbsent(tp, r.offset());
        OffsetTracker.Partition p = tracker.start(tp, r.offset());
        inFlight.acquire();
        pipeline.accept(new Delivery(r, p, inFlight, metrics));
        next.put(tp, r.offset() + 1);
      }
    } catch (RuntimeException e) {
      for (TopicPartition tp : records.partitions()) {
        long from = next.getOrDefault(tp, records.records(tp).get(0).offset());
        if (consumer.assignment().contains(tp)) {
          consumer.seek(tp, from);
        }
      }
      throw e;
    }
  }

  /** The one consumer-error policy ({@link ConsumerErrors}), applied to this loop. */
  private void onError(RuntimeException e) {
    ConsumerErrors.Action action = ConsumerErrors.classify(e);
    if (action == ConsumerErrors.Action.STOP) {
      log.error("request consumer stops: {}", e.toString());
      running = false;
      throw e; // reported dead by the liveness guard
    }
    if (action == ConsumerErrors.Action.RESET_OFFSETS) {
      log.warn("request consumer lost its position ({}): reading from the earliest", e.toString());
      consumer.seekToBeginning(consumer.assignment());
      return;
    }
    long now = System.currentTimeMillis();
    if (failures++ == 0) {
      failingSinceMs = now;
    }
    if (now - failingSinceMs > retry.budget().toMillis()) {
      log.error(
          "request consumer failing for {} s, longer than the outage budget: stops",
          (now - failingSinceMs) / 1000);
      running = false;
      throw e;
    }
    long wait = retry.backoff(failures).toMillis();
    log.warn(
        "request consumer: {} (failure {}), polling again in {} ms", e.toString(), failures, wait);
    try {
      Thread.sleep(wait); // backoff before the next poll, not synchronisation
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void applyBackpressure() {
    if (!paused && inFlight.full()) {
      consumer.pause(consumer.assignment());
      paused = true;
      log.debug("paused: {} requests in flight", inFlight.count());
    } else if (paused && inFlight.lowEnough()) {
      consumer.resume(consumer.assignment());
      paused = false;
      log.debug("resumed: {} requests in flight", inFlight.count());
    }
  }

  private void commitIfDue(boolean now) {
    long ms = System.currentTimeMillis();
    if (!now && ms - lastCommitMs < COMMIT_EVERY_MS) {
      return;
    }
    lastCommitMs = ms;
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(consumer.assignment());
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          if (error == null) {
            tracker.committed(done);
          } else if (error instanceof RetriableException
              || error instanceof RebalanceInProgressException) {
            log.debug("commit of {} deferred: {}", offsets, error.toString());
          } else {
            log.warn("commit of {} failed (will retry): {}", offsets, error.toString());
          }
        });
  }

  private void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(partitions);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
      tracker.committed(offsets);
      log.debug("committed {}", offsets);
    } catch (RuntimeException e) {
      log.warn("commit of {} failed: {}", offsets, e.toString());
    }
  }

  /** Stops taking records, lets those in flight finish, commits. */
  private void drain() {
    consumer.pause(consumer.assignment());
    paused = true;
    long deadline = System.currentTimeMillis() + drainTimeoutMs;
    while (inFlight.count() > 0 && System.currentTimeMillis() < deadline) {
      consumer.poll(POLL); // keeps the membership alive; paused, so returns nothing
      commitIfDue(false);
    }
    if (inFlight.count() > 0) {
      log.warn("stopping with {} requests unfinished; they will be redelivered", inFlight.count());
    }
    commitSync(consumer.assignment());
  }

  private void awaitFinished(Collection<TopicPartition> partitions) {
    long deadline = System.currentTimeMillis() + drainTimeoutMs;
    try {
      while (tracker.unfinished(partitions) > 0 && System.currentTimeMillis() < deadline) {
        inFlight.awaitChange(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void removeAssigned(Collection<TopicPartition> partitions) {
    Set<TopicPartition> now = new HashSet<>(assigned);
    now.removeAll(partitions);
    assigned = Set.copyOf(now);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (crashed || partitions.isEmpty()) {
        return;
      }
      awaitFinished(partitions);
      int left = tracker.unfinished(partitions);
      commitSync(partitions);
      tracker.revoke(partitions);
      removeAssigned(partitions);
      log.info(
          "partitions revoked: {}{}",
          partitions,
          left > 0 ? " (" + left + " requests unfinished, the new owner repeats them)" : "");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      tracker.revoke(partitions);
      removeAssigned(partitions);
      log.warn("partitions lost (nothing committed for them): {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tracker::assign);
      Set<TopicPartition> now = new HashSet<>(assigned);
      now.addAll(partitions);
      assigned = Set.copyOf(now);
      if (paused) {
        consumer.pause(partitions);
      }
      joined = true;
      if (!partitions.isEmpty()) {
        log.info("partitions assigned: {}", partitions);
      }
    }
  }

  /** Graceful: finish what is in flight (at most the drain timeout), commit, close. */
  public void stop() {
    running = false;
    await();
  }

  /** Like a killed process: close now, commit nothing. */
  public void crash() {
    crashed = true;
    running = false;
    consumer.wakeup();
    await();
  }

  private void await() {
    if (!thread.isAlive()) {
      return;
    }
    try {
      if (!stopped.await(drainTimeoutMs + 15_000, TimeUnit.MILLISECONDS)) {
        log.warn("request consumer did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
